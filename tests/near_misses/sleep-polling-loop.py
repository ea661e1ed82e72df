# Loops that are waits already (a deadline or an attempt limit, and a short poll), loops that do not
# sleep, and background workers (a task, a sampler thread) whose sleep is their cadence, not a wait.
import asyncio
import threading
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


def test_retries_without_sleeping(redis_container):
    client = redis_container.get_client()
    for _ in range(3):
        try:
            client.ping()
            break
        except ConnectionError:
            continue


def wait_until_counted(session, expected, timeout=5.0):
    count = None
    started = time.monotonic()
    while count != expected:
        count = session.count()
        assert time.monotonic() - started < timeout, f"count stayed at {count}"
        time.sleep(0.02)


async def test_probe_with_a_short_poll(redis_container):
    client = redis_container.get_client()
    for _ in range(500):
        try:
            client.ping()
            return
        except ConnectionError:
            await asyncio.sleep(0.01)


class LagSampler:
    """Measures how late the event loop wakes it: sleeping is what it measures."""

    def __init__(self, interval=0.2):
        self.interval = interval
        self.lags = []
        self.stop = asyncio.Event()

    async def run(self):
        while not self.stop.is_set():
            before = time.monotonic()
            await asyncio.sleep(self.interval)
            self.lags.append(time.monotonic() - before - self.interval)


async def test_handler_does_not_block_the_loop(service):
    sampler = LagSampler()
    task = asyncio.create_task(sampler.run())
    await service.handle_batch()
    sampler.stop.set()
    await task
    assert max(sampler.lags) < 0.1


def logged_requests(container, path, at_least=0):
    deadline = time.monotonic() + 5
    while True:
        stdout, stderr = container.get_logs()
        count = (stdout + stderr).decode().count(f"GET {path} ")
        if count >= at_least or time.monotonic() > deadline:
            return count
        time.sleep(0.01)


def test_memory_stays_flat_under_load(redis_container, api_client):
    stop = threading.Event()
    samples = []
    sampler = threading.Thread(target=record_memory, args=(redis_container.get_client(), samples, stop))
    sampler.start()
    api_client.post("/orders/replay", json={"since": 0})
    stop.set()
    sampler.join()
    assert max(samples) < 2 * min(samples)


def record_memory(client, samples, stop):
    for _ in range(600):
        if stop.is_set():
            break
        samples.append(client.info("memory")["used_memory"])
        time.sleep(0.1)
