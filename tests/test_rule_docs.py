"""Every example of every rule doc, run through the real engine (see tests/rule_docs.py)."""

from __future__ import annotations

import libcst as cst
import pytest
from helpers import write
from rule_docs import Case, all_cases, pyproject

from tclint.runner import RunOptions, run
from tclint.settings import load_settings

CASES = all_cases()


def params(predicate):
    return [pytest.param(case, id=case.test_id) for case in CASES if predicate(case)]


def lint(project, case: Case, fix: bool = False):
    config = pyproject(f'extend-select = ["{case.rule}"]', case.config)
    write(project, {"pyproject.toml": config, case.path: case.source, **case.extra_files})
    settings = load_settings(None, project)
    return run(["."], settings, RunOptions(fix=fix, unsafe=True, cache=False))


@pytest.mark.parametrize("case", params(lambda case: case.kind == "bad"))
def test_bad_example_reports_exactly_its_marked_lines(project, case):
    assert case.expected, "a bad example marks at least one line with # error: [rule]"
    assert {name for _, _, name in case.expected} == {case.rule}, "markers name the doc's own rule"
    result = lint(project, case)
    assert result.errors == []
    assert sorted((d.path, d.line, d.name) for d in result.diagnostics) == sorted(case.expected)


@pytest.mark.parametrize("case", params(lambda case: case.kind == "bad" and case.fixed is not None))
def test_fix_of_bad_example_gives_the_fixed_example(project, case):
    result = lint(project, case, fix=True)
    assert result.errors == []
    fixed = (project / case.path).read_text()
    assert fixed == case.fixed
    cst.parse_module(fixed)
    again = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert again.fixed == 0 and (project / case.path).read_text() == fixed, "fixes converge in one run"


@pytest.mark.parametrize("case", params(lambda case: case.kind == "bad" and case.fixed is None))
def test_bad_example_without_fixed_block_offers_no_fix(project, case):
    result = lint(project, case)
    assert result.diagnostics and all(d.fix is None for d in result.diagnostics)


@pytest.mark.parametrize("case", params(lambda case: case.kind == "good"))
def test_good_example_reports_nothing(project, case):
    result = lint(project, case)
    assert result.errors == []
    assert result.diagnostics == []
