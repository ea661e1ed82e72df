"""`--fix` runs to its summary: a file whose fix fails or cannot be written is that file's one-line error,
its findings stay in the report and the count, and every other file is fixed."""

from __future__ import annotations

import pytest
from helpers import write

from tclint.cli import main
from tclint.runner import RunOptions, run
from tclint.settings import load_settings

CONFTEST = """\
import pytest
from testcontainers.community.redis import RedisContainer


@pytest.fixture
def redis_container():
    with RedisContainer("redis:7-alpine") as redis:
        yield redis
"""
SESSION = CONFTEST.replace("@pytest.fixture\n", '@pytest.fixture(scope="session")\n')


@pytest.mark.parametrize(
    ("suppressed", "fixed"),
    [
        pytest.param("import os  # noqa: TCL101\n", "import os\n", id="file-rule"),
        pytest.param("import os  # noqa: TCL104\n", "import os\n", id="project-wide-rule"),
        pytest.param("# tclint: ignore[TCL104, TCL301]\nimport os\n", "import os\n", id="own-line"),
    ],
)
def test_fix_with_a_warm_cache_removes_unused_suppressions_and_ends_with_its_summary(project, capsys, suppressed, fixed):
    write(project, {"tests/conftest.py": SESSION, "tests/b/conftest.py": SESSION, "tests/test_other.py": suppressed})
    assert main(["check", "tests"]) == 1
    capsys.readouterr()
    assert main(["check", "--fix", "tests"]) == 1
    out = capsys.readouterr().out
    assert out.endswith("Found 3 problems (1 fixed, 2 remaining)\n"), out
    assert (project / "tests/test_other.py").read_text() == fixed
    assert main(["check", "tests"]) == 1
    assert "TCL001" not in capsys.readouterr().out


def test_a_fix_that_fails_in_one_file_is_that_files_error_and_the_others_are_fixed(project, monkeypatch):
    import tclint.engine.lint

    real = tclint.engine.lint.apply_fixes

    def failing(module, fixes):
        if "broken" in module.code:
            raise RuntimeError("boom")
        return real(module, fixes)

    monkeypatch.setattr(tclint.engine.lint, "apply_fixes", failing)
    write(project, {"tests/a/conftest.py": CONFTEST + "# broken\n", "tests/b/conftest.py": CONFTEST})
    result = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert result.errors == [("tests/a/conftest.py", "internal error: RuntimeError: boom")]
    assert (project / "tests/a/conftest.py").read_text() == CONFTEST + "# broken\n"
    assert (project / "tests/b/conftest.py").read_text() == SESSION


def test_a_file_that_cannot_be_written_keeps_its_findings_in_the_report_and_the_count(project, capsys):
    write(project, {"tests/a/conftest.py": CONFTEST + "import os  # noqa: TCL102\n", "tests/b/conftest.py": CONFTEST})
    assert main(["check", "tests"]) == 1
    checked = capsys.readouterr().out.splitlines()
    (project / "tests/a/conftest.py").chmod(0o444)
    assert main(["check", "--fix", "--unsafe-fixes", "tests"]) == 2
    out, err = capsys.readouterr()
    assert err == "tests/a/conftest.py: error: read-only file: fixes not written\n"
    assert [line for line in out.splitlines() if line.startswith("tests/a/")] == checked[:2]
    assert out.endswith("Found 3 problems (1 fixed, 2 remaining); errors in 1 file, shown above\n"), out


def test_a_file_changed_on_disk_keeps_its_findings(project, monkeypatch):
    from tclint import worker

    write(project, {"tests/a/conftest.py": CONFTEST, "tests/b/conftest.py": CONFTEST})
    real = worker.run

    def run_then_edit(task):
        report = real(task)
        if task.path == "tests/a/conftest.py" and task.fix:
            (project / "tests/a/conftest.py").write_text(CONFTEST + "# edited meanwhile\n")
        return report

    monkeypatch.setattr(worker, "run", run_then_edit)
    result = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert result.errors == [("tests/a/conftest.py", "changed on disk while tclint ran: fixes not written")]
    assert [(d.path, d.line, d.code) for d in result.diagnostics] == [("tests/a/conftest.py", 5, "TCL101")]
    assert result.fixed == 1
