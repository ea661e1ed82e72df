# Client fixtures that clean up after each test, and a session-scoped one that is shared on purpose.
import pytest
import sqlalchemy
from testcontainers.community.postgres import PostgresContainer
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7.2.4-alpine") as redis:
        yield redis


@pytest.fixture(scope="session")
def postgres_container():
    with PostgresContainer("postgres:16.0-alpine") as postgres:
        yield postgres


@pytest.fixture
def redis_client(redis_container):
    client = redis_container.get_client()
    yield client
    client.flushall()
    client.close()


@pytest.fixture
def connection(postgres_container):
    engine = sqlalchemy.create_engine(postgres_container.get_connection_url())
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()
    engine.dispose()


@pytest.fixture(scope="session")
def readonly_redis(redis_container):
    return redis_container.get_client()
