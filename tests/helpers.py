"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import time


def write(root, files: dict) -> None:
    """Create files under root: text or bytes, parent folders included."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())


def wait_until(condition, description: str, timeout_s: float = 30):
    """Poll `condition` until it returns something truthy (and return that), as the reference's
    wait_for_condition does, every 10 ms; TimeoutError naming what was awaited."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise TimeoutError(f"Timeout waiting for {description} after {timeout_s * 1000:.0f}ms")
