"""Helpers the tests share (a module, not a package: nothing may shadow it)."""


def psycopg2_url(container) -> str:
    return container.get_connection_url().replace("postgresql+psycopg2://", "postgresql://")
