"""The verify report's three renderings (text, table, JSON), on a report built by hand (the real runs
are in tests/e2e/test_verify.py)."""

from __future__ import annotations

from collections import Counter

from tclint import verify
from tclint.cli import _verify_table
from tclint.diagnostics import Diagnostic, FixInfo


def report() -> verify.VerifyReport:
    def diagnostic(line, code, name, fix):
        return Diagnostic("tests/conftest.py", line, 1, line, 10, code, name, "message", FixInfo("unsafe", fix))

    kept = verify.FixOutcome(diagnostic(2, "TCL701", "legacy-testcontainers-import", "Import from x"), True)
    rejected = verify.FixOutcome(diagnostic(7, "TCL101", "function-scoped-container-fixture", "Set scope"), False,
                                 ["tests/test_a.py::test_fresh"])  # fmt: skip
    before = verify.TestRun(3.0, {"tests/test_a.py::test_fresh": True, "tests/test_a.py::test_b": False}, Counter({"redis:7-alpine": 3}))
    after = verify.TestRun(1.5, {"tests/test_a.py::test_fresh": True}, None)
    return verify.VerifyReport([kept, rejected], before, after, ["tests/conftest.py"], [rejected.diagnostic], dry_run=False)


def test_text_report():
    assert verify.render_text(report()).splitlines() == [
        "kept      tests/conftest.py:2:1: TCL701 [legacy-testcontainers-import] Import from x",
        "rejected  tests/conftest.py:7:1: TCL101 [function-scoped-container-fixture] Set scope (fails: tests/test_a.py::test_fresh)",
        "suite before: 1 passed, 1 failed in 3.0 s; containers started: redis:7-alpine x 3",
        "suite after:  1 passed, 0 failed in 1.5 s; containers started: not counted (no Docker engine answered)",
        "wrote: tests/conftest.py",
    ]


def test_json_report():
    data = verify.as_json(report())
    assert [(fix["code"], fix["status"], fix["failing_tests"]) for fix in data["fixes"]] == [
        ("TCL701", "kept", []), ("TCL101", "rejected", ["tests/test_a.py::test_fresh"])]  # fmt: skip
    assert data["suite"]["before"] == {"wall_seconds": 3.0, "passed": 1, "failed": 1, "containers": {"redis:7-alpine": 3}}
    assert data["suite"]["after"]["containers"] is None and data["written"] == ["tests/conftest.py"]


def test_table_report(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "220")
    _verify_table(report(), verify)
    out = capsys.readouterr().out
    assert "rejected" in out and "tests/test_a.py::test_fresh" in out and "TCL101" in out
    assert "suite before: 1 passed, 1 failed in 3.0 s" in out
