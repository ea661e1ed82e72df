# Addresses read from the container, and localhost where no container is involved.
import pytest
import redis
from myapp.urls import parse_url
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7.2.4-alpine") as container:
        yield container


@pytest.fixture
def redis_client(redis_container):
    client = redis.Redis(
        host=redis_container.get_container_host_ip(),
        port=int(redis_container.get_exposed_port(6379)),
    )
    yield client
    client.flushall()
    client.close()


def test_url_parser_keeps_the_port():
    assert parse_url("http://localhost:8000/health").port == 8000
