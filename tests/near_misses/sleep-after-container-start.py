# A container started and then waited for by a condition; a sleep that follows no container start.
import time

from testcontainers.community.redis import RedisContainer


def wait_for_condition(condition, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(interval)


def test_starts_and_waits():
    with RedisContainer("redis:7.2.4-alpine") as redis:
        client = redis.get_client()
        wait_for_condition(client.ping)
        assert client.ping()


def test_rate_limit_window():
    started = time.monotonic()
    time.sleep(0.01)
    assert time.monotonic() > started
