"""Condition-based waiting for tests: poll for the real condition instead of sleeping.

Written by tclint for its waiting fixes; it is yours to edit.
"""

import asyncio
import inspect
import time
from typing import Any, Callable


async def wait_for_condition(
    condition: Callable[[], Any],
    description: str,
    timeout_ms: int = 5000,
    poll_interval_ms: int = 10,
) -> Any:
    """Wait until `condition()` is truthy and return its value.

    The condition may be a plain function or a coroutine function. Raises TimeoutError
    ("Timeout waiting for <description> after <timeout_ms>ms") when it stays falsy.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_ms / 1000
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if loop.time() >= deadline:
            raise TimeoutError(f"Timeout waiting for {description} after {timeout_ms}ms")
        await asyncio.sleep(poll_interval_ms / 1000)


def wait_for_condition_sync(
    condition: Callable[[], Any],
    description: str,
    timeout_ms: int = 5000,
    poll_interval_ms: int = 10,
) -> Any:
    """The same for synchronous code: `condition` is a plain function."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Timeout waiting for {description} after {timeout_ms}ms")
        time.sleep(poll_interval_ms / 1000)
