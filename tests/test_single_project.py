"""The editor's path (`--stdin-filename`, the language server) sees the project as a run does: container
classes and helpers of other modules, the fixtures a conftest.py imports, read through the cache; the
file itself is the unsaved text, never what is on disk."""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest
from helpers import DATABASE_FIXTURES, SESSION_UNIT_TEST, tclint, write

from tclint.cli import main

CONTAINERS = """\
from testcontainers.redis import RedisContainer


def start_redis():
    container = RedisContainer("redis:7.4")
    container.start()
    return container


class Cache(RedisContainer):
    pass
"""
PINNED_CONTAINERS = CONTAINERS.replace("    pass\n", '    def __init__(self):\n        super().__init__("redis:7.4")\n')
TEST_CACHE = """\
from tests.support.containers import Cache, start_redis


def test_cache():
    redis = start_redis()
    assert redis.get_client().ping()


def test_other():
    with Cache() as cache:
        assert cache.get_client().ping()
"""
EDITED_TEST_CACHE = TEST_CACHE.replace("    redis = start_redis()\n", "    redis = Cache()\n")
EDITED_UNIT_TEST = "def test_orders(postgres_container):\n    assert postgres_container\n\n\ndef test_totals(session):\n    assert session\n"
CONFIGURED = "[tool.tclint]\n"
UNCONFIGURED = '[project]\nname = "shop"\n'
PROJECT = {
    "pyproject.toml": CONFIGURED,
    "tests/__init__.py": "",
    "tests/support/__init__.py": "",
    "tests/support/containers.py": CONTAINERS,
    "tests/test_cache.py": TEST_CACHE,
    "tests/shared/__init__.py": "",
    "tests/shared/database.py": DATABASE_FIXTURES,
    "tests/unit/__init__.py": "",
    "tests/unit/conftest.py": "from tests.shared.database import postgres_container, session\n",
    "tests/unit/test_orders.py": SESSION_UNIT_TEST,
}
EXPECTED = {
    "tests/test_cache.py": [
        "tests/test_cache.py:5:13: TCL102 [container-started-in-test] Test `test_cache` starts a `RedisContainer` through "
        "`start_redis()`: every run starts a new container",
        "tests/test_cache.py:10:5: TCL102 [container-started-in-test] Test `test_other` starts container `cache` in its "
        "body: every run starts a new container; shared, it keeps whatever the tests write, which tclint cannot see "
        "here: `tclint verify` checks the fix",
        "tests/test_cache.py:10:10: TCL401 [unpinned-container-image] `Cache()` uses its default image `redis:latest`, "
        "whose tag moves",
    ],
    "tests/unit/test_orders.py": [
        "tests/unit/test_orders.py:1:5: TCL503 [testcontainers-in-unit-tests] Unit test `test_orders` requests the "
        "fixture `session`, which starts a `PostgresContainer`: unit tests should not need Docker (move it to the "
        "integration tests)",
    ],
}
EDITS = {"tests/test_cache.py": EDITED_TEST_CACHE, "tests/unit/test_orders.py": EDITED_UNIT_TEST}


def findings(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("tests/")]


def from_cli(path: str) -> list[str]:
    code, out, err = tclint("check", "--output-format", "concise", path)
    assert err == "" and code in (0, 1), err
    return findings(out)


def from_stdin(monkeypatch, path: str, source: str) -> list[str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(source.encode())))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["check", "--output-format", "concise", "--stdin-filename", path])
    assert err.getvalue() == "" and code in (0, 1), err.getvalue()
    return findings(out.getvalue())


@pytest.mark.parametrize("path", [pytest.param(path, id=path) for path in EXPECTED])
@pytest.mark.parametrize("pyproject", [pytest.param(CONFIGURED, id="configured"), pytest.param(UNCONFIGURED, id="no-configuration")])
def test_the_editor_path_reports_what_a_run_reports(tmp_path, monkeypatch, path, pyproject):
    """Without a tclint configuration, the file's project root (its pyproject.toml) is where a run from
    the project starts: the conftest.py files and modules above the file's folder count."""
    write(tmp_path, {**PROJECT, "pyproject.toml": pyproject})
    monkeypatch.chdir(tmp_path)
    cold = from_stdin(monkeypatch, path, PROJECT[path])  # nothing cached yet
    assert cold == from_cli(path) == EXPECTED[path]
    assert from_stdin(monkeypatch, path, PROJECT[path]) == EXPECTED[path]  # the modules from the cache


@pytest.mark.parametrize("path", [pytest.param(path, id=path) for path in EDITS])
def test_an_unsaved_edit_is_what_the_editor_path_lints(tmp_path, monkeypatch, path):
    write(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    assert from_cli(".") != []  # the cache holds every file, this one as it is on disk
    unsaved = from_stdin(monkeypatch, path, EDITS[path])
    (tmp_path / path).write_text(EDITS[path])
    assert unsaved == from_cli(path) != EXPECTED[path]


def test_a_saved_edit_of_an_imported_module_reaches_the_editor_path(tmp_path, monkeypatch):
    write(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    assert from_stdin(monkeypatch, "tests/test_cache.py", TEST_CACHE) == EXPECTED["tests/test_cache.py"]
    (tmp_path / "tests/support/containers.py").write_text(PINNED_CONTAINERS)
    expected = [line for line in EXPECTED["tests/test_cache.py"] if "TCL401" not in line]
    assert from_stdin(monkeypatch, "tests/test_cache.py", TEST_CACHE) == from_cli("tests/test_cache.py") == expected


def test_the_server_reads_the_cache_file_once_and_still_sees_edits_on_disk(tmp_path, monkeypatch):
    """The language server keeps each project's cache in memory: lint after lint, the cache file is read
    once (again only after another process rewrote it), while an imported module edited on disk counts."""
    from tclint import cache
    from tclint.server import TclintServer

    write(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    assert from_cli(".") != []  # the CLI fills the cache file
    loads = []
    real = cache.Cache.__init__
    monkeypatch.setattr(cache.Cache, "__init__", lambda self, *args: loads.append(args) or real(self, *args))
    server = TclintServer()

    def lint() -> list[str]:
        report = server.lint_now(tmp_path / "tests/test_cache.py", TEST_CACHE)
        return [f"{d.path}:{d.line}:{d.column}: {d.code} [{d.name}] {d.message}" for d in report.diagnostics]

    assert [lint(), lint(), lint()] == [EXPECTED["tests/test_cache.py"]] * 3
    assert len(loads) == 1
    (tmp_path / "tests/support/containers.py").write_text(PINNED_CONTAINERS)
    assert lint() == lint() == [line for line in EXPECTED["tests/test_cache.py"] if "TCL401" not in line]
    assert len(loads) == 1
    from_cli(".")  # another run rewrites the cache file (its own read counts too)
    loaded = len(loads)
    assert lint() == [line for line in EXPECTED["tests/test_cache.py"] if "TCL401" not in line]
    assert len(loads) == loaded + 1
