from sqlalchemy import create_engine, inspect

from postgres_repository import Base


def test_schema_creates_the_users_table(postgres_container):
    engine = create_engine(postgres_container.get_connection_url())
    Base.metadata.create_all(engine)
    assert inspect(engine).has_table("users")
    engine.dispose()


def test_email_column_is_unique(postgres_container):
    engine = create_engine(postgres_container.get_connection_url())
    Base.metadata.create_all(engine)
    unique = inspect(engine).get_unique_constraints("users")
    assert [constraint["column_names"] for constraint in unique] == [["email"]]
    engine.dispose()
