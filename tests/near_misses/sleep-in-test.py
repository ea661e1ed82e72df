# Sleeps that are not guesses: yielding to the event loop, a fake clock, a helper that is not a test,
# time that the test measures, and the sleep of a polling loop (sleep-polling-loop's, never this rule's).
import asyncio
import time

from myapp.jobs import Worker


def wait_for_condition(condition, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(interval)


async def test_gives_the_loop_a_turn():
    await asyncio.sleep(0)


def test_fake_clock(fake_clock):
    fake_clock.sleep(5)
    assert fake_clock.now() == 5


def test_timer_measures_the_time_slept(timer):
    started = time.perf_counter()
    with timer:
        time.sleep(0.2)
    assert timer.elapsed <= time.perf_counter() - started


def test_worker_polls_until_done(job):
    job.submit()
    for _ in range(100):
        if job.done():
            break
        time.sleep(0.02)
    assert job.result() == 42


# Work the test hands to the code under test, sleeping to be slow on purpose: registered by a
# decorator factory or method of an object, passed to a scheduler, listed in a worker's functions.
def tick():
    time.sleep(1)


def rebuild_index():
    time.sleep(2)


def compact():
    time.sleep(3)


def test_cron_registers_a_schedule(worker, scheduler):
    worker.cron("* * * * *")(tick)
    scheduler.add_job(rebuild_index, "interval", seconds=1)
    assert Worker(functions=[compact])


def test_route_served_to_the_client(app, client):
    @app.get("/report")
    async def report():
        await asyncio.sleep(1)
        return {}

    assert client.get("/report").status_code == 200
