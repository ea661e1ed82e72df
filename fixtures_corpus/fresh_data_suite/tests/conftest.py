import pytest
from testcontainers.redis import RedisContainer

from counters import CounterStore


@pytest.fixture
def redis_container():
    with RedisContainer("redis:7-alpine") as redis:
        yield redis


@pytest.fixture
def store(redis_container):
    return CounterStore(redis_container.get_client())
