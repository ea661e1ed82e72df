# Tests that use a container fixture, and a helper (not a test) that starts one.
import pytest
from testcontainers.community.redis import RedisContainer


def start_redis_for_a_tool():
    container = RedisContainer("redis:7.2.4-alpine")
    container.start()
    return container


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7.2.4-alpine") as redis:
        yield redis


def test_set_and_get(redis_container):
    client = redis_container.get_client()
    client.set("k", "v")
    assert client.get("k") == b"v"


def test_reads_a_file(tmp_path):
    with open(tmp_path / "container.txt", "w") as handle:
        handle.write("not a container")
