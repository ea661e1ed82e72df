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


class Environment:
    postgres = None
    redis = None


@pytest.fixture(scope="session")
def environment():
    # the containers are stopped through the attributes of the object that holds them
    env = Environment()
    try:
        postgres = PostgresContainer("postgres:16.0-alpine")
        env.postgres = postgres
        postgres.start()
        yield env
    finally:
        if env.postgres:
            env.postgres.stop()


@pytest.fixture(scope="session")
def services():
    # every container is stopped by one loop over a list of them
    postgres = PostgresContainer("postgres:16.0-alpine")
    redis = RedisContainer("redis:7.2.4-alpine")
    try:
        postgres.start()
        redis.start()
        urls = {"postgres": postgres.get_connection_url(), "redis": redis.get_container_host_ip()}
        yield urls
    finally:
        for container in [postgres, redis]:
            container.stop()
