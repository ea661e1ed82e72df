# Every container started here is stopped: with-blocks, finalizers, try/finally.
import pytest
from testcontainers.community.postgres import PostgresContainer
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7.2.4-alpine") as redis:
        yield redis


@pytest.fixture(scope="session")
def postgres_container(request):
    postgres = PostgresContainer("postgres:16.0-alpine")
    postgres.start()
    request.addfinalizer(postgres.stop)
    return postgres


@pytest.fixture(scope="session")
def other_redis():
    redis = RedisContainer("redis:7.2.4-alpine")
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()
