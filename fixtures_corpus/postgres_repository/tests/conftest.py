import pytest
from sqlalchemy import create_engine
from testcontainers.postgres import PostgresContainer

from postgres_repository import Base


@pytest.fixture
def postgres_container():
    with PostgresContainer("postgres:latest") as postgres:
        yield postgres


@pytest.fixture
def engine(postgres_container):
    engine = create_engine(postgres_container.get_connection_url())
    Base.metadata.create_all(engine)
    return engine
