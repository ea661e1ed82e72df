# Sleeps that are not guesses: yielding to the event loop, a fake clock, a helper that is not a test.
import asyncio
import time


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
