import pytest
from test_utils import wait_for_condition_sync


@pytest.fixture
def clean_redis_container(redis_container):
    yield redis_container
    client = redis_container.get_client()
    client.flushall()
    client.close()


def test_the_first_request_is_counted(clean_redis_container):
    client = clean_redis_container.get_client()
    assert client.incr("requests:alice") == 1
    assert client.dbsize() == 1


def test_a_window_expires(clean_redis_container):
    client = clean_redis_container.get_client()
    client.set("window:alice", 1, px=100)
    wait_for_condition_sync(lambda: client.get("window:alice") is None, 'client.get("window:alice") is None', timeout_ms=5000)
    assert client.get("window:alice") is None
