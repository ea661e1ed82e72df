"""--stdin-filename: the source from stdin, linted as if it were the file at the path (editors, tools that pipe)."""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest
from helpers import write

from tclint.cli import main

FUNCTION_SCOPED = """\
import pytest
from testcontainers.community.redis import RedisContainer


@pytest.fixture
def redis_container():
    with RedisContainer("redis:7-alpine") as redis:
        yield redis
"""
SESSION_SCOPED = FUNCTION_SCOPED.replace("@pytest.fixture\n", '@pytest.fixture(scope="session")\n')
USES_FIXTURE = "def test_counter(redis_container):\n    client = redis_container.get_client()\n    assert client.ping()\n"


def piped(monkeypatch, source: str, *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `tclint ARGS` with `source` on stdin."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(source.encode())))
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    out.flush()
    return code, out.buffer.getvalue().decode(), err.getvalue()


def test_stdin_is_linted_as_the_file_at_the_path(project, monkeypatch):
    code, out, err = piped(monkeypatch, FUNCTION_SCOPED, "--stdin-filename", "tests/conftest.py")
    assert (code, err) == (1, "")
    assert out.splitlines()[0].startswith("tests/conftest.py:5:1: TCL101 [function-scoped-container-fixture]")
    assert not (project / "tests/conftest.py").exists(), "nothing is written"


def test_fix_prints_the_fixed_source_and_reports_on_stderr(project, monkeypatch):
    code, out, err = piped(monkeypatch, FUNCTION_SCOPED, "--stdin-filename", "tests/conftest.py", "--fix", "--unsafe-fixes")
    assert (code, out, err) == (0, SESSION_SCOPED, "Found 1 problem (1 fixed, 0 remaining)\n")


def test_configuration_and_per_file_ignores_of_the_path_apply(project, monkeypatch):
    write(project, {"sub/pyproject.toml": '[tool.tclint]\nper-file-ignores = {"legacy/*" = ["TCL101"]}\n'})
    monkeypatch.chdir(project)
    assert piped(monkeypatch, FUNCTION_SCOPED, "--stdin-filename", "sub/legacy/conftest.py")[:2] == (0, "All checks passed!\n")
    assert piped(monkeypatch, FUNCTION_SCOPED, "--stdin-filename", "sub/tests/conftest.py")[0] == 1


def test_the_conftest_facts_above_the_path_apply(project, monkeypatch):
    write(project, {"tests/conftest.py": FUNCTION_SCOPED})
    code, out, _ = piped(monkeypatch, USES_FIXTURE.replace("def test_counter", "import time\n\n\ndef test_counter") + "    time.sleep(2)\n",
                         "--stdin-filename", "tests/test_counter.py", "--select", "TCL303,TCL301", "-q")  # fmt: skip
    assert code == 1 and "TCL30" in out, "the sleep is known to follow a container fixture from the conftest above"
    code, out, _ = piped(monkeypatch, USES_FIXTURE, "--stdin-filename", "elsewhere/test_counter.py", "--select", "TCL301,TCL303", "-q")
    assert (code, out) == (0, "")


def test_a_syntax_error_is_exit_2_and_fix_gives_the_source_back(project, monkeypatch):
    broken = "from testcontainers import x\ndef f(:\n"
    code, out, err = piped(monkeypatch, broken, "--stdin-filename", "tests/test_x.py", "--fix")
    assert (code, out) == (2, broken)
    assert err.splitlines()[0] == "tests/test_x.py: error: syntax error at 2:7: invalid syntax"


@pytest.mark.parametrize("extra", [["tests"], ["--diff"], ["--add-noqa"]])
def test_stdin_alone(project, monkeypatch, extra):
    code, _, err = piped(monkeypatch, FUNCTION_SCOPED, "--stdin-filename", "tests/conftest.py", *extra)
    assert code == 2 and err.startswith("tclint: error: --stdin-filename lints stdin alone")
