"""The cache changes nothing but speed: any sequence of edits, new, deleted and renamed files, checks and
fixes gives exactly what the same sequence gives with `--no-cache` (diagnostics, errors, file contents)."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from helpers import write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tclint.cli import main
from tclint.runner import RunOptions, run
from tclint.settings import load_settings

CONFTEST = """\
import pytest
from testcontainers.postgres import PostgresContainer
from testcontainers.redis import RedisContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7-alpine") as redis:
        yield redis


@pytest.fixture
def postgres_container():  # tclint: ignore[TCL104]
    with PostgresContainer("postgres:16-alpine") as postgres:
        yield postgres
"""
TEST_SLEEPS = """\
import time


def test_sleeps(redis_container):
    redis_container.get_client().set("k", 1)
    time.sleep(2)
    assert redis_container.get_client().get("k")  # noqa: TCL101
"""
TEST_STARTS = """\
from testcontainers.redis import RedisContainer


def test_starts_its_own():
    redis = RedisContainer("redis:latest")
    redis.start()
    assert redis.get_client().ping()
    redis.stop()
"""
DUPLICATE = """\
import pytest
from testcontainers.redis import RedisContainer


@pytest.fixture(scope="session")
def other_redis():  # noqa: TCL104
    with RedisContainer("redis:7-alpine") as redis:
        yield redis
"""
PLAIN = "def test_plain():\n    assert 1 + 1 == 2\n"
PROJECT = {
    "tests/conftest.py": CONFTEST,
    "tests/test_sleeps.py": TEST_SLEEPS,
    "tests/test_starts.py": TEST_STARTS,
    "tests/sub/conftest.py": DUPLICATE,
    "tests/sub/test_plain.py": PLAIN,
}
TEMPLATES = [TEST_SLEEPS, TEST_STARTS, DUPLICATE, PLAIN, "import os  # tclint: ignore[sleep-in-test]\n", "def broken(:\n"]
APPENDED = [
    "\n\ndef test_more():\n    import time\n    time.sleep(1)\n",
    "\nx = 1  # noqa: TCL301\n",
    "\n# tclint: ignore[TCL102]\ny = 2\n",
    "\n\ndef test_sum():\n    assert sum([1]) == 1\n",
    "\n",
]
NAMES = ["tests/test_new.py", "tests/sub/test_other.py", "tests/conftest.py", "tests/sub/conftest.py", "tests/test_sleeps.py"]

operations = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 9), st.integers(0, len(APPENDED) - 1)),
    st.tuples(st.just("add"), st.integers(0, len(NAMES) - 1), st.integers(0, len(TEMPLATES) - 1)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("rename"), st.integers(0, 9), st.integers(0, len(NAMES) - 1)),
    st.tuples(st.just("check")),
    st.tuples(st.just("fix"), st.booleans()),
)


@contextmanager
def inside(folder: Path):
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def python_files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*.py"))


def contents(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in python_files(root)}


def apply(root: Path, operation: tuple) -> None:
    files = python_files(root)
    kind = operation[0]
    if kind == "edit" and files:
        with open(root / files[operation[1] % len(files)], "a", encoding="utf-8") as stream:
            stream.write(APPENDED[operation[2]])
    elif kind == "add":
        write(root, {NAMES[operation[1]]: TEMPLATES[operation[2]]})
    elif kind == "delete" and files:
        (root / files[operation[1] % len(files)]).unlink()
    elif kind == "rename" and files:
        target = root / NAMES[operation[2]]
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(root / files[operation[1] % len(files)], target)


def outcome(root: Path, operation: tuple, cache: bool):
    options = RunOptions(fix=operation[0] == "fix", unsafe=operation[0] == "fix" and operation[1], cache=cache)
    with inside(root):
        result = run(["."], load_settings(None, root), options)
    return result.diagnostics, result.errors, result.fixed, contents(root)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(operations, min_size=1, max_size=8))
def test_any_sequence_gives_what_it_gives_without_the_cache(tmp_path, steps):
    cached, uncached = tmp_path / "cached", tmp_path / "uncached"
    for root in (cached, uncached):
        shutil.rmtree(root, ignore_errors=True)
        write(root, PROJECT)
    for operation in [("check",), *steps, ("check",)]:
        if operation[0] in ("check", "fix"):
            assert outcome(cached, operation, cache=True) == outcome(uncached, operation, cache=False), steps
        else:
            apply(cached, operation)
            apply(uncached, operation)


def test_three_runs_with_an_edit_between_the_first_two(project, capsys):
    """The pre-commit sequence: the third run read the entries the second one saved."""
    write(project, PROJECT)
    assert main(["check", "tests"]) == 1
    first = capsys.readouterr().out
    with open(project / "tests/test_sleeps.py", "a", encoding="utf-8") as stream:
        stream.write("x = 1\n")
    for _ in range(3):
        assert main(["check", "tests"]) == 1
        assert capsys.readouterr().out == first


def test_a_cache_from_another_schema_or_malformed_is_a_miss(project):
    write(project, {"tests/test_sleeps.py": TEST_SLEEPS})
    options = RunOptions()
    settings_ = load_settings(None, project)
    expected = run(["tests"], settings_, options).diagnostics
    [cache_file] = (project / ".tclint_cache").glob("*.json")
    for stored in ('{"schema": 1, "entries": {}}', '{"x": 1}', "[]",
                   cache_file.read_text().replace('"line":', '"line":"one","was":'),
                   cache_file.read_text().replace('"fix":', '"no-fix":')):  # fmt: skip
        cache_file.write_text(stored)
        assert run(["tests"], settings_, options).diagnostics == expected, stored
