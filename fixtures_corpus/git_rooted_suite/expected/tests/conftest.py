import pytest
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7-alpine") as redis_container:
        yield redis_container
