# Session-scoped container fixtures, and function-scoped fixtures that only use one.
import pytest
from testcontainers.community.postgres import PostgresContainer
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7.2.4-alpine") as redis:
        yield redis


@pytest.fixture(scope="package")
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
def container_settings():
    return {"image": "redis:7.2.4-alpine", "port": 6379}
