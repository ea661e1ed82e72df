"""Fix integrity as properties: for generated test modules (every anti-pattern, in any mix, layout,
indentation and newline style) and for every example file in the repository, `--fix --unsafe-fixes`
gives code that parses, fixing twice equals fixing once, a file with no diagnostics is untouched, and
`--diff` applied with `patch` gives exactly the `--fix` result."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import libcst as cst
import pytest
from helpers import write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tclint.runner import RunOptions, run
from tclint.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = """\
import asyncio
import time
import unittest
from unittest.mock import MagicMock, patch

import pytest
import redis
from testcontainers.core.waiting_utils import wait_for_logs
from testcontainers.localstack import LocalStackContainer
from testcontainers.postgres import PostgresContainer
from testcontainers.redis import RedisContainer
"""
BLOCKS = [
    '@pytest.fixture\ndef redis_container():\n    with RedisContainer("redis:7-alpine") as redis:\n        yield redis\n',
    '@pytest.fixture(scope="module")\ndef postgres_container():\n    postgres = PostgresContainer("postgres:latest")\n'
    "    postgres.start()\n    return postgres\n",
    'def test_manual():\n    redis = RedisContainer("redis:7-alpine")\n    redis.start()\n    assert redis.get_client().ping()\n'
    "    redis.stop()\n",
    'def test_with_block(flag):\n    with PostgresContainer("postgres:16-alpine") as postgres:\n        # a comment\n'
    "        assert postgres.get_connection_url()\n",
    "def test_sleeps(queue):\n    queue.put(1)\n    time.sleep(2)\n    assert queue.empty()\n",
    "async def test_async_sleep(client):\n    await asyncio.sleep(1)\n    assert await client.ready()\n",
    "def test_polls(condition):\n    for _ in range(10):\n        if condition():\n            break\n        time.sleep(0.5)\n",
    '@pytest.fixture(scope="session")\ndef localstack():\n    localstack = LocalStackContainer(image="localstack/localstack:latest")\n'
    '    localstack.start()\n    wait_for_logs(localstack, "Ready", timeout=30)\n    yield localstack\n    localstack.stop()\n',
    "@pytest.fixture\ndef client(redis_container):\n    client = redis.Redis(host=\"localhost\", port=6379)\n    return client\n",
    "class TestCache(unittest.TestCase):\n    def setUp(self):\n        self.redis = RedisContainer(\"redis:7-alpine\")\n"
    "        self.redis.start()\n\n    def tearDown(self):\n        self.redis.stop()\n\n    def test_ping(self):\n"
    "        self.assertTrue(self.redis.get_client().ping())\n",
    "def test_mocked():\n    with patch(\"redis.Redis.get\"):\n        pass\n",
    "def helper(value):\n    return value * 2  # noqa: TCL101\n",
    "def test_plain():\n    assert 1 + 1 == 2\n",
]


def layout(blocks: list[str], indent: str, newline: str) -> str:
    text = IMPORTS + "".join("\n\n" + block for block in blocks)
    return text.replace("    ", indent).replace("\n", newline)


def lint(project: Path, **options):
    """A run in the project folder (paths in the results are relative to it)."""
    previous = os.getcwd()
    os.chdir(project)
    try:
        return run(["."], load_settings(None, project), RunOptions(unsafe=True, cache=False, **options))
    finally:
        os.chdir(previous)


def fix(project: Path, diff: bool = False):
    return lint(project, fix=not diff, diff=diff)


def check_properties(project: Path, files: dict[str, bytes], scratch: Path) -> None:
    found = lint(project)
    assert [message for _, message in found.errors if "internal error" in message] == []
    reported = {d.path for d in found.diagnostics}
    shutil.copytree(project, scratch / "patched")
    diffs = fix(scratch / "patched", diff=True).diffs
    first = fix(project)
    once = {name: (project / name).read_bytes() for name in files}
    for name, content in once.items():
        if not name.endswith(".py"):
            continue
        cst.parse_module(content)
        if name not in reported and not first.created:
            assert content == files[name], f"{name}: no diagnostics, yet changed"
    fix(project)
    assert {name: (project / name).read_bytes() for name in files} == once, "fixing twice differs from once"
    patch = "".join(d for d in diffs if not d.startswith("--- /dev/null"))
    if patch:
        applied = subprocess.run(["patch", "-p1", "-s"], input=patch.encode(), cwd=scratch / "patched", capture_output=True)
        assert applied.returncode == 0, applied.stderr
        for name, content in once.items():
            assert (scratch / "patched" / name).read_bytes() == content, f"{name}: --diff and --fix disagree"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    blocks=st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=6),
    indent=st.sampled_from(["    ", "  ", "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    name=st.sampled_from(["tests/test_generated.py", "tests/conftest.py", "tests/integration/test_x.py"]),
)
def test_fix_properties_on_generated_modules(tmp_path_factory, blocks, indent, newline, name):
    scratch = tmp_path_factory.mktemp("property")
    project = scratch / "project"
    files = {name: layout(blocks, indent, newline).encode()}
    write(project, files)
    check_properties(project, files, scratch)


def repository_examples() -> list[Path]:
    return sorted(
        path for folder in ("fixtures_corpus", "tests") for path in (ROOT / folder).rglob("*.py") if "expected" not in path.parts
    )


@pytest.mark.slow
def test_fix_properties_on_every_example_in_the_repository(tmp_path):
    from rule_docs import all_cases

    files = {f"docs/{case.rule}/{case.section}-{case.id}/{case.path}": case.source.encode() for case in all_cases()}
    files.update({str(path.relative_to(ROOT)): path.read_bytes() for path in repository_examples()})
    project = tmp_path / "project"
    write(project, files)
    check_properties(project, files, tmp_path)
