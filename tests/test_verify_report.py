"""The verify report's renderings (text, table, JSON, the warning), on reports built by hand (the real
runs are in tests/test_verify_trials.py and tests/e2e/test_verify.py)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tclint import output, verify
from tclint.cli import _console
from tclint.diagnostics import Diagnostic, FixInfo


def diagnostic(line, code, name, fix) -> Diagnostic:
    return Diagnostic("tests/conftest.py", line, 1, line, 10, code, name, "message", FixInfo("unsafe", fix))


def report(after_run: bool = True) -> verify.VerifyReport:
    kept = verify.FixOutcome(diagnostic(2, "TCL701", "legacy-testcontainers-import", "Import from x"), verify.KEPT)
    rejected = verify.FixOutcome(diagnostic(7, "TCL101", "function-scoped-container-fixture", "Set scope"), verify.REJECTED,
                                 ["tests/test_a.py::test_fresh"])  # fmt: skip
    before = verify.TestRun(3.0, {"tests/test_a.py::test_fresh": True, "tests/test_a.py::test_b": False}, Counter({"redis:7-alpine": 3}))
    after = verify.TestRun(1.5, {"tests/test_a.py::test_fresh": True}, None) if after_run else None
    return verify.VerifyReport(Path("/project"), [kept, rejected], before, after, ["tests/conftest.py"], [rejected.diagnostic],
                               dry_run=False)  # fmt: skip


def test_text_report():
    assert output.verify_text(report()).splitlines() == [
        "kept       tests/conftest.py:2:1: TCL701 [legacy-testcontainers-import] Import from x",
        "rejected   tests/conftest.py:7:1: TCL101 [function-scoped-container-fixture] Set scope (fails: tests/test_a.py::test_fresh)",
        "suite before: 1 passed, 1 failed in 3.0 s; containers started: redis:7-alpine x 3",
        "suite after:  1 passed, 0 failed in 1.5 s; containers started: not counted (no Docker engine answered)",
        "wrote: tests/conftest.py",
    ]


def test_no_run_after_is_said_and_not_invented():
    assert output.verify_text(report(after_run=False)).splitlines()[2:4] == [
        "suite before: 1 passed, 1 failed in 3.0 s; containers started: redis:7-alpine x 3",
        "suite after:  not run (no fix was kept)",
    ]
    assert output.verify_json(report(after_run=False))["suite"]["after"] is None


def test_json_report():
    data = output.verify_json(report())
    assert [(fix["code"], fix["status"], fix["failing_tests"]) for fix in data["fixes"]] == [
        ("TCL701", "kept", []), ("TCL101", "rejected", ["tests/test_a.py::test_fresh"])]  # fmt: skip
    assert data["suite"]["before"] == {"wall_seconds": 3.0, "passed": 1, "failed": 1, "containers": {"redis:7-alpine": 3}}
    assert data["suite"]["after"]["containers"] is None and data["written"] == ["tests/conftest.py"]


def test_table_report(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "220")
    output.verify_table(report(), _console())
    out = capsys.readouterr().out
    assert "rejected" in out and "tests/test_a.py::test_fresh" in out and "TCL101" in out
    assert "suite before: 1 passed, 1 failed in 3.0 s" in out


def test_the_warning_names_the_unverified_fixes_and_why():
    unverified = report(after_run=False)
    unverified.fixes = [verify.FixOutcome(diagnostic(2, "TCL701", "legacy-testcontainers-import", "x"), verify.UNVERIFIED)] * 2
    unverified.before = verify.TestRun(0.5, {}, None, "....\nE   ModuleNotFoundError: docker\n1 error in 0.41s\n")
    assert output.verify_warning(unverified) == (
        "WARNING: 2 fixes were not verified and not written: no test that the fixes can affect passed before them "
        "(pytest said: 1 error in 0.41s; no Docker engine answered)")  # fmt: skip
    assert output.verify_warning(report()) is None
