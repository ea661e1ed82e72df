# Tests that use a container and are marked, one by one or for the whole module.
import pytest
from testcontainers.community.redis import RedisContainer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7.2.4-alpine") as redis:
        yield redis


def test_module_marked(redis_container):
    assert redis_container.get_client().ping()


@pytest.mark.integration
def test_marked_itself(redis_container):
    assert redis_container.get_client().ping()


def test_no_container():
    assert 1 + 1 == 2
