"""Per-rule snapshots (ruff's snapshot tests): for each rule, over its doc's examples and its near-miss
file `tests/near_misses/<rule>.py`, every diagnostic's position, message, fix title, fix applicability
and fix diff, kept in `tests/snapshots/<rule>.snap`.

After a deliberate change to a rule, regenerate and review the diff:
    .venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update   (or TCLINT_SNAPSHOT_UPDATE=1)
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
from helpers import write
from rule_docs import Case, all_cases, pyproject

from tclint.catalog import load_catalog
from tclint.diagnostics import Diagnostic, Edit
from tclint.runner import RunOptions, run
from tclint.settings import load_settings

TESTS = Path(__file__).resolve().parent
SNAPSHOTS = TESTS / "snapshots"
NEAR_MISSES = TESTS / "near_misses"
NEAR_MISS_PATH = "tests/test_near_miss.py"  # unless its first line is `# near-miss-path: PATH`
RULES = [info.name for info in load_catalog()]


def lint(project: Path, rule: str, files: dict[str, str], config: str = "") -> tuple[list[Diagnostic], list]:
    """Only `rule`, so a change to another rule never touches this rule's snapshot; the project pins the
    testcontainers the examples are written for."""
    write(project, {"pyproject.toml": pyproject(f'select = ["{rule}"]', config), **files})
    before = os.getcwd()
    os.chdir(project)  # paths in the report are relative to the current directory
    try:
        result = run(["."], load_settings(None, project), RunOptions(unsafe=True, want_edits=True, cache=False, jobs=1))
    finally:
        os.chdir(before)
    return result.diagnostics, result.errors


def applied(source: str, edits: tuple[Edit, ...]) -> str:
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(row: int, column: int) -> int:
        return starts[min(row - 1, len(lines))] + column - 1

    text = source
    for edit in sorted(edits, key=lambda e: e.location, reverse=True):
        text = text[: offset(*edit.location)] + edit.content + text[offset(*edit.end_location) :]
    return text


def rendered(diagnostic: Diagnostic, sources: dict[str, str]) -> list[str]:
    d = diagnostic
    lines = [f"{d.path}:{d.line}:{d.column}-{d.end_line}:{d.end_column}: {d.code} [{d.name}] {d.message}"]
    if d.fix is None:
        return [*lines, "  no fix"]
    lines.append(f"  fix ({d.fix.applicability}): {d.fix.message}")
    source = sources[d.path]
    diff = difflib.unified_diff(source.splitlines(), applied(source, d.fix.edits).splitlines(), lineterm="", n=1)
    return [*lines, *(f"  {line}" for line in list(diff)[2:])]


def section(title: str, project: Path, rule: str, files: dict[str, str], config: str = "") -> str:
    diagnostics, errors = lint(project, rule, files, config)
    body = [line for d in diagnostics for line in rendered(d, files)]
    body += [f"error: {path}: {message}" for path, message in errors]
    return f"## {title}\n" + "\n".join(body or ["(nothing reported)"]) + "\n"


def doc_files(case: Case) -> dict[str, str]:
    return {case.path: case.source, **case.extra_files}


def snapshot_of(rule: str, tmp_path: Path) -> str:
    parts = [f"# {rule}: regenerate with `pytest tests/test_snapshots.py --snapshot-update`\n"]
    for number, case in enumerate(case for case in all_cases() if case.rule == rule):
        project = tmp_path / f"doc-{number}"
        project.mkdir()
        parts.append(section(f"doc {case.section}/{case.id} ({case.kind})", project, rule, doc_files(case), case.config))
    source = (NEAR_MISSES / f"{rule}.py").read_text(encoding="utf-8")
    placed = re.match(r"# near-miss-path: (\S+)\n", source)  # where the file lies in the scratch project
    project = tmp_path / "near-miss"
    project.mkdir()
    files = {placed.group(1) if placed else NEAR_MISS_PATH: source}
    parts.append(section(f"near miss tests/near_misses/{rule}.py", project, rule, files))
    return "\n".join(parts)


def test_every_rule_has_a_near_miss_file_and_a_snapshot_and_nothing_else_does():
    assert sorted(path.stem for path in NEAR_MISSES.glob("*.py")) == sorted(RULES)
    assert sorted(path.stem for path in SNAPSHOTS.glob("*.snap")) == sorted(RULES)


@pytest.mark.parametrize("rule", [pytest.param(rule, id=rule) for rule in RULES])
def test_rule_snapshot(rule, tmp_path, snapshot_update):
    actual = snapshot_of(rule, tmp_path)
    path = SNAPSHOTS / f"{rule}.snap"
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if snapshot_update:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if actual != expected:
        diff = "\n".join(difflib.unified_diff(expected.splitlines(), actual.splitlines(), f"{path.name} (committed)",
                                              f"{path.name} (now)", lineterm=""))  # fmt: skip
        pytest.fail(f"{rule}'s output changed; if that is intended, run "
                    f"`.venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update` and review the diff\n{diff}",
                    pytrace=False)  # fmt: skip
