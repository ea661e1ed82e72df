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


def test_a_new_plain_import_goes_before_the_from_imports_of_its_section(tmp_path):
    """container-started-in-test adds `import pytest` to a module whose third-party imports are all `from`
    imports: isort puts plain imports first in a section (found on a real suite, where it landed between
    `from alembic ...` and `from sqlalchemy ...`)."""
    write(tmp_path, {
        "pyproject.toml": '[project]\nname = "accounts"\ndependencies = ["testcontainers==4.15.0"]\n',
        "tests/test_accounts.py": (
            "import os\n\n"
            "from alembic import command\n"
            "from sqlalchemy import create_engine, text\n"
            "from testcontainers.postgres import PostgresContainer\n\n\n"
            "def test_upgrade():\n"
            '    with PostgresContainer("postgres:16.0-alpine") as postgres:\n'
            "        engine = create_engine(postgres.get_connection_url())\n"
            "        command.upgrade(os.environ.get('ALEMBIC_CONFIG'), 'head')\n"
            "        with engine.connect() as connection:\n"
            '            assert connection.execute(text("select 1")).scalar() == 1\n'
        ),
    })  # fmt: skip
    before = ruff_findings(tmp_path, "tests")
    subprocess.run([sys.executable, "-m", "tclint", "--fix", "--unsafe-fixes", "--no-cache", "-q", "tests"], cwd=tmp_path, check=False)
    fixed = (tmp_path / "tests" / "test_accounts.py").read_text()
    assert "import pytest\nfrom alembic import command\n" in fixed
    assert before == {} and ruff_findings(tmp_path, "tests") == {}
