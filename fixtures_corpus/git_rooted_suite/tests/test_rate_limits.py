import time

from testcontainers.redis import RedisContainer


def test_the_first_request_is_counted():
    with RedisContainer("redis:7-alpine") as redis:
        client = redis.get_client()
        assert client.incr("requests:alice") == 1
        assert client.dbsize() == 1


def test_a_window_expires():
    with RedisContainer("redis:7-alpine") as redis:
        client = redis.get_client()
        client.set("window:alice", 1, px=100)
        time.sleep(0.5)
        assert client.get("window:alice") is None
