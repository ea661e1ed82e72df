from sqlalchemy import create_engine, inspect
from testcontainers.postgres import PostgresContainer

from postgres_repository import Base


def test_schema_creates_the_users_table():
    postgres = PostgresContainer("postgres:latest")
    postgres.start()
    engine = create_engine(postgres.get_connection_url())
    Base.metadata.create_all(engine)
    assert inspect(engine).has_table("users")
    engine.dispose()
    postgres.stop()


def test_email_column_is_unique():
    with PostgresContainer("postgres:latest") as postgres:
        engine = create_engine(postgres.get_connection_url())
        Base.metadata.create_all(engine)
        unique = inspect(engine).get_unique_constraints("users")
        assert [constraint["column_names"] for constraint in unique] == [["email"]]
        engine.dispose()
