# Loops that are waits already (a deadline and a short poll) or that do not sleep at all.
import time

from testcontainers.community.redis import RedisContainer


def test_polls_with_a_deadline(redis_container):
    client = redis_container.get_client()
    deadline = time.monotonic() + 10
    while client.get("job") != b"done":
        if time.monotonic() > deadline:
            raise TimeoutError("the job never finished")
        time.sleep(0.05)


def test_loops_without_sleeping(redis_container):
    client = redis_container.get_client()
    for key in ("a", "b", "c"):
        client.set(key, 1)
    assert RedisContainer is not None
