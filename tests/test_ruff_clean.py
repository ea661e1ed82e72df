"""Fixed files are as clean under `ruff check --select F,I` as the originals: no import left unused by
the removed code, new and renamed imports where isort puts them. Checked over the rule docs' examples
and the fixtures_corpus projects (their expected trees are what `--fix --unsafe-fixes` writes)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import write
from rule_docs import all_cases

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "fixtures_corpus"


def ruff_findings(cwd: Path, *paths: str, first_party: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """`ruff check --select F,I` findings by file (paths relative to cwd); `first_party`: the packages isort
    counts as the project's own (found by itself where they are folders of cwd)."""
    known = ["--config", f"lint.isort.known-first-party = {list(first_party)}"] if first_party else []
    process = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", "F,I", *known,
                              "--output-format", "json", "--exit-zero", *paths], cwd=cwd, capture_output=True, text=True)  # fmt: skip
    assert process.returncode == 0, process.stderr
    found: dict[str, list[str]] = {}
    for item in json.loads(process.stdout):
        name = Path(item["filename"]).relative_to(cwd).as_posix()
        found.setdefault(name, []).append(f"{item['location']['row']}: {item['code']} {item['message']}")
    return found


def test_fixed_doc_examples_are_as_clean_as_the_bad_ones(tmp_path):
    cases = {case.test_id.replace("/", "-"): case for case in all_cases() if case.kind == "bad" and case.fixed is not None}
    for key, case in cases.items():
        write(tmp_path, {f"before/{key}/{case.path}": case.source, f"after/{key}/{case.path}": case.fixed})
    # each example's tests/ folder stands at its project's root, where isort counts it as first-party
    before, after = ruff_findings(tmp_path, "before", first_party=("tests",)), ruff_findings(tmp_path, "after", first_party=("tests",))
    newly_unclean = {
        key: after[f"after/{key}/{case.path}"]
        for key, case in cases.items()
        if f"before/{key}/{case.path}" not in before and f"after/{key}/{case.path}" in after
    }
    assert newly_unclean == {}


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.iterdir() if (path / "expected" / "tests").is_dir()))
def test_fixed_corpus_projects_are_as_clean_as_the_originals(name, tmp_path):
    ignore = shutil.ignore_patterns("expected", "__pycache__")
    shutil.copytree(CORPUS / name, tmp_path / "before", ignore=ignore)
    shutil.copytree(CORPUS / name, tmp_path / "after", ignore=ignore)
    shutil.rmtree(tmp_path / "after" / "tests")
    shutil.copytree(CORPUS / name / "expected" / "tests", tmp_path / "after" / "tests")
    before, after = ruff_findings(tmp_path / "before", "tests"), ruff_findings(tmp_path / "after", "tests")
    assert {path: found for path, found in after.items() if path not in before} == {}
