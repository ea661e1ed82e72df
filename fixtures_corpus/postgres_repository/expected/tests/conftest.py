import pytest
from sqlalchemy import create_engine
from testcontainers.community.postgres import PostgresContainer

from postgres_repository import Base


@pytest.fixture(scope="session")
def postgres_container():
    with PostgresContainer("postgres:16.0-alpine") as postgres:
        yield postgres


@pytest.fixture
def engine(postgres_container):
    engine = create_engine(postgres_container.get_connection_url())
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()
