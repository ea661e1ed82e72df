"""Bad input and write integrity: every case gets one clear line, no traceback, and no broken file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import libcst as cst
import pytest
from helpers import tclint, write

from tclint.runner import RunOptions, run
from tclint.settings import load_settings

BAD = (
    "import pytest\n"
    "from testcontainers.community.redis import RedisContainer\n"
    "\n"
    "\n"
    "@pytest.fixture\n"
    "def redis_container():\n"
    "    with RedisContainer('redis:7-alpine') as redis:\n"
    "        yield redis\n"
)
GOOD = BAD.replace("@pytest.fixture\n", '@pytest.fixture(scope="session")\n')


def lint(project, fix=True, paths=(".",)):
    return run(list(paths), load_settings(None, project), RunOptions(fix=fix, unsafe=True, cache=False))


@pytest.mark.parametrize(
    ("content", "error"),
    [
        pytest.param(b"import testcontainers\nx = '\xff\xfe'\n", "cannot decode as utf-8: invalid start byte at 2:6", id="invalid-utf8"),
        pytest.param(b"import testcontainers\0\0\0", "binary file (contains NUL bytes), not Python source", id="binary"),
        pytest.param(b"import testcontainers\ndef f(:\n", "syntax error at 2:", id="syntax-error"),
        pytest.param(b"# coding: klingon\nimport testcontainers\n", "cannot decode: unknown encoding", id="unknown-cookie"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(project, content, error):
    write(project, {"tests/test_bad.py": content, "tests/conftest.py": BAD})
    code, out, err = tclint("tests")
    assert code == 2
    [line] = err.splitlines()
    assert line.startswith("tests/test_bad.py: error: ") and error in line
    assert "tests/conftest.py:5:1: TCL101" in out, "the other files are still linted"


@pytest.mark.parametrize(
    ("prefix", "newline"),
    [
        pytest.param(b"", "\n", id="utf8"),
        pytest.param(b"\xef\xbb\xbf", "\n", id="bom"),
        pytest.param(b"", "\r\n", id="crlf"),
        pytest.param(b"# -*- coding: latin-1 -*-\n", "\n", id="latin1-cookie"),
    ],
)
def test_fix_keeps_encoding_bom_and_newlines(project, prefix, newline):
    encoding = "latin-1" if b"latin-1" in prefix else "utf-8"
    body = BAD.replace("import pytest", "import pytest  # caf\xe9").replace("\n", newline).encode(encoding)
    expected = GOOD.replace("import pytest", "import pytest  # caf\xe9").replace("\n", newline).encode(encoding)
    if prefix.startswith(b"#"):
        body, expected = prefix + body, prefix + expected
    else:
        body, expected = prefix + body, prefix + expected
    write(project, {"tests/conftest.py": body})
    result = lint(project)
    assert result.errors == [] and result.fixed == 1
    assert (project / "tests/conftest.py").read_bytes() == expected


def test_mixed_newlines_and_tabs_survive_a_fix(project):
    source = BAD.replace("def redis_container():\n", "def redis_container():\r\n").replace("    ", "\t")
    write(project, {"tests/conftest.py": source})
    assert lint(project).fixed == 1
    assert (project / "tests/conftest.py").read_bytes() == GOOD.replace(
        "def redis_container():\n", "def redis_container():\r\n"
    ).replace("    ", "\t").encode()


def test_python_312_syntax_parses(project):
    write(project, {"tests/conftest.py": BAD + "\ntype Alias = list[int]\n\ndef generic[T](x: T) -> T:\n    return x\n"})
    result = lint(project)
    assert result.errors == [] and result.fixed == 1


def test_empty_file_is_fine(project):
    write(project, {"tests/test_empty.py": b"", "tests/test_only_comment.py": b"# testcontainers\n"})
    result = lint(project)
    assert result.errors == [] and result.diagnostics == []


def test_read_only_file_is_reported_not_changed_and_others_are_fixed(project):
    write(project, {"tests/a/conftest.py": BAD, "tests/b/conftest.py": BAD})
    locked = project / "tests/a/conftest.py"
    locked.chmod(0o444)
    result = lint(project)
    assert result.errors == [("tests/a/conftest.py", "read-only file: fixes not written")]
    assert locked.read_text() == BAD
    assert (project / "tests/b/conftest.py").read_text() == GOOD


def test_unreadable_file_is_reported(project, monkeypatch):
    write(project, {"tests/conftest.py": BAD, "tests/test_secret.py": "x = 1\n"})
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "test_secret.py":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = lint(project, fix=False)
    assert result.errors == [("tests/test_secret.py", "cannot read: permission denied")]
    assert [d.path for d in result.diagnostics] == ["tests/conftest.py"]


def test_file_changed_while_linting_is_not_overwritten(project, monkeypatch):
    from tclint import worker

    write(project, {"tests/conftest.py": BAD})
    real = worker.run

    def run_then_edit(task):
        report = real(task)
        (project / "tests/conftest.py").write_text(BAD + "# edited meanwhile\n")
        return report

    monkeypatch.setattr(worker, "run", run_then_edit)
    result = lint(project)
    assert result.errors == [("tests/conftest.py", "changed on disk while tclint ran: fixes not written")]
    assert (project / "tests/conftest.py").read_text() == BAD + "# edited meanwhile\n"


def test_symlink_loops_do_not_trap_discovery(project):
    write(project, {"tests/conftest.py": BAD})
    os.symlink(project / "tests", project / "tests/loop")
    os.symlink("b.py", project / "tests/a.py")
    os.symlink("a.py", project / "tests/b.py")
    result = lint(project, fix=False)
    assert [d.path for d in result.diagnostics] == ["tests/conftest.py"]
    code, _, err = tclint("tests/a.py")
    assert code == 2
    assert err == "tests/a.py: error: too many levels of symbolic links\n"


def test_fix_through_a_symlink_writes_the_target(project):
    write(project, {"real/conftest.py": BAD})
    (project / "tests").mkdir()
    os.symlink(project / "real/conftest.py", project / "tests/conftest.py")
    lint(project, paths=("tests/conftest.py",))
    assert (project / "tests/conftest.py").is_symlink()
    assert (project / "real/conftest.py").read_text() == GOOD


def test_permissions_kept_and_untouched_files_keep_their_mtime(project):
    write(project, {"tests/conftest.py": BAD, "tests/test_other.py": GOOD})
    fixed, other = project / "tests/conftest.py", project / "tests/test_other.py"
    fixed.chmod(0o640)
    os.utime(other, ns=(1_000_000_000, 1_000_000_000))
    lint(project)
    assert stat.S_IMODE(fixed.stat().st_mode) == 0o640
    assert other.stat().st_mtime_ns == 1_000_000_000
    assert not list(project.glob("tests/.*.tclint")), "no temporary file is left behind"


def test_a_fix_that_breaks_the_code_is_dropped_and_reported(project, monkeypatch):
    from tclint.engine.fixes import Fix
    from tclint.rules import function_scoped_container_fixture as rule

    def broken(fixture):
        decorator = fixture.decorator
        return Fix("Break it", "unsafe", [(decorator, decorator.with_changes(decorator=cst.Name("def")))])

    monkeypatch.setattr(rule.FunctionScopedContainerFixture, "widen", staticmethod(broken))
    write(project, {"tests/conftest.py": BAD})
    result = lint(project)
    [(path, message)] = result.errors
    assert path == "tests/conftest.py" and message.startswith("internal error: a fix produced code that does not parse")
    assert (project / "tests/conftest.py").read_text() == BAD


def test_a_crashing_rule_costs_only_its_file(project, monkeypatch):
    from tclint.rules import function_scoped_container_fixture as rule

    def crash(self):
        if self.context.path.endswith("a/conftest.py"):
            raise RuntimeError("boom")
        return original(self)

    original = rule.FunctionScopedContainerFixture.finish
    monkeypatch.setattr(rule.FunctionScopedContainerFixture, "finish", crash)
    write(project, {"a/conftest.py": BAD, "b/conftest.py": BAD})
    result = lint(project, fix=False)
    assert result.errors == [("a/conftest.py", "internal error: RuntimeError: boom")]
    assert [d.path for d in result.diagnostics] == ["b/conftest.py"]
