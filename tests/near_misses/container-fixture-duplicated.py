# Two container fixtures of different services, and one fixture that reuses another.
import pytest
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


@pytest.fixture(scope="session")
def cache(redis_container):
    return redis_container
