"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import io
import sys
import time
from contextlib import redirect_stderr, redirect_stdout

# The fixtures module of the scratch projects whose conftest.py imports fixtures: a session PostgreSQL
# container, a fixture built on it, and the unit test that asks for that fixture.
DATABASE_FIXTURES = """\
import pytest
from testcontainers.postgres import PostgresContainer


@pytest.fixture(scope="session")
def postgres_container():
    with PostgresContainer("postgres:16.4") as postgres:
        yield postgres


@pytest.fixture
def session(postgres_container):
    return postgres_container.get_connection_url()
"""
SESSION_UNIT_TEST = "def test_orders(session):\n    assert session\n"


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


def tclint(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `tclint ARGS`, run in this process with both streams piped."""
    from tclint.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def interruptible(argv: list[str]) -> list[str]:
    """argv started with SIGINT at its default, as a command typed at a terminal has it. A test run started
    in the background (`pytest &` in a script, nohup) has SIGINT ignored, and an ignored signal stays
    ignored across exec: the command would not see the Ctrl-C a test sends it. argv[0]: an absolute path."""
    reset = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
    return [sys.executable, "-c", reset, *argv]
