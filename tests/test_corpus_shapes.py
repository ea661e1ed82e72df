"""fixtures_corpus/votes_tables, fixed without containers: tests that each create their table get the
sharing fix only with a message naming the table (so that `tclint verify` decides), the wait helper
goes beside an existing tests/test_utils.py instead of shadowing it, a module-level container's log
wait that its class's own check does not cover stays, and the fixed files stay clean under ruff's F and I rules."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_ruff_clean import ruff_findings

from tclint.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "fixtures_corpus"


def test_votes_tables_fixed_from_another_folder(tmp_path, monkeypatch, capsys):
    project = tmp_path / "votes_tables"
    shutil.copytree(CORPUS / "votes_tables", project)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    main(["check", "--no-cache", "--output-format", "concise", "-q", "../votes_tables"])
    listing = capsys.readouterr().out
    assert listing.count("a per-test fixture that drops the tables the tests create (`votes`) after each test") == 4
    utils = (project / "tests/test_utils.py").read_text()
    main(["check", "--no-cache", "--fix", "--unsafe-fixes", "../votes_tables"])
    assert "/votes_tables/tests/waiting.py (the helper the fixes call)\n" in capsys.readouterr().out
    assert (project / "tests/test_utils.py").read_text() == utils and not (project / "tests/test_utils").exists()
    assert not (tmp_path / "elsewhere/tests").exists()
    votes = (project / "tests/test_votes.py").read_text()
    assert "from tests.waiting import wait_for_condition_sync\n" in votes and "import time" not in votes
    conftest = (project / "tests/conftest.py").read_text()
    assert "wait_for_logs(reporting_db" in conftest and "waiting_for" not in conftest, "no fix changes what it waits for"
    assert "def postgres_container():" in conftest and "def postgres_container():" not in votes, "shared by two modules"
    assert ruff_findings(project, "tests") == {}


def test_orders_tc3_is_linted_with_the_version_its_subfolder_pins(tmp_path, monkeypatch, capsys):
    """service/poetry.lock pins testcontainers 3.7.1, the root pins nothing: from the root, the 4.x
    renames are not reported; with 4.15 forced, they are (so the lock file is what keeps them quiet)."""
    project = tmp_path / "orders_tc3"
    shutil.copytree(CORPUS / "orders_tc3", project)
    monkeypatch.chdir(project)
    main(["check", "--no-cache", "--output-format", "concise", "-q", "."])
    assert [line.split(" ")[1] for line in capsys.readouterr().out.splitlines()] == ["TCL102", "TCL102"]
    main(["check", "--no-cache", "--output-format", "concise", "-q", "--testcontainers-version", "4.15.0", "."])
    codes = sorted(line.split(" ")[1] for line in capsys.readouterr().out.splitlines())
    assert codes == ["TCL102", "TCL102", "TCL701", "TCL702", "TCL702", "TCL702"]  # user= twice, POSTGRES_USER
