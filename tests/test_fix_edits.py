"""Each fix's text edits (JSON, SARIF, the editor server) are computed from the fix's own statements
(`engine/fix_edits.py`); they must be exactly what applying the fix to the whole module and diffing the
whole text gives, on every fix of the rule docs, the near-miss files and the fixtures corpus."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import libcst as cst
import pytest
from helpers import write
from hypothesis import event, given, settings
from hypothesis import strategies as st
from rule_docs import all_cases

from tclint.diagnostics import Edit, edits_between
from tclint.engine import fix_edits
from tclint.engine.fix_edits import FixEdits, local_edits, longest_repeated_run
from tclint.engine.fixes import Fix, apply_fixes
from tclint.runner import RunOptions, run
from tclint.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
NEAR_MISSES = ROOT / "tests" / "near_misses"
CORPUS = ROOT / "fixtures_corpus"


def literal(module: cst.Module, fix: Fix) -> tuple[Edit, ...]:
    return edits_between(module.code, apply_fixes(module, [fix]).code)


@pytest.fixture
def compared(monkeypatch) -> list[tuple[tuple[Edit, ...], tuple[Edit, ...]]]:
    """(edits given, literal edits) of every fix whose edits the runs below compute."""
    seen = []
    given = FixEdits.edits

    def checked(self, fix):
        edits = given(self, fix)
        seen.append((edits, literal(self.module, fix)))
        return edits

    monkeypatch.setattr(fix_edits.FixEdits, "edits", checked)
    return seen


def lint_with_edits(project: Path) -> None:
    before = os.getcwd()
    os.chdir(project)
    try:
        run(["."], load_settings(None, project), RunOptions(unsafe=True, want_edits=True, cache=False, jobs=1))
    finally:
        os.chdir(before)


def test_the_edits_of_every_fix_of_the_rule_docs_and_near_misses_are_the_literal_ones(tmp_path, compared):
    for number, case in enumerate(case for case in all_cases() if case.kind == "bad"):
        project = tmp_path / f"doc-{number}"
        write(project, {"pyproject.toml": f'[tool.tclint]\nselect = ["ALL"]\n\n{case.config}',
                        case.path: case.source, **case.extra_files})  # fmt: skip
        lint_with_edits(project)
    for near_miss in sorted(NEAR_MISSES.glob("*.py")):
        source = near_miss.read_text()
        placed = re.match(r"# near-miss-path: (\S+)\n", source)
        project = tmp_path / f"near-miss-{near_miss.stem}"
        write(project, {"pyproject.toml": '[tool.tclint]\nselect = ["ALL"]\n',
                        placed.group(1) if placed else "tests/test_near_miss.py": source})  # fmt: skip
        lint_with_edits(project)
    assert len(compared) > 80  # the fixes of every rule that has some
    assert [given for given, _ in compared] == [expected for _, expected in compared]


def test_the_edits_of_every_fix_of_the_fixtures_corpus_are_the_literal_ones(tmp_path, compared):
    for suite in sorted(path for path in CORPUS.iterdir() if path.is_dir()):
        shutil.copytree(suite, tmp_path / suite.name, ignore=shutil.ignore_patterns("expected"))
        lint_with_edits(tmp_path / suite.name)
    assert len(compared) > 10
    assert [given for given, _ in compared] == [expected for _, expected in compared]


BIG = """import pytest
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7-alpine") as redis:
        yield redis
{tests}"""
TEST = """

def test_{n}(redis_container):
    assert redis_container.get_client().ping()
"""


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(BIG.format(tests="".join(TEST.format(n=n) for n in range(30))), id="many-tests"),
        pytest.param(BIG.format(tests=TEST.format(n=0)).rstrip("\n"), id="no-final-newline"),
        pytest.param("# a header comment\n\n" + BIG.format(tests=TEST.format(n=0)), id="header-comment"),
        pytest.param(BIG.format(tests=TEST.format(n=0)).replace("\n", "\r\n"), id="crlf"),
        pytest.param(BIG.format(tests=TEST.format(n=0) + 'PAGE = "a\fb"\n' + TEST.format(n=1)), id="form-feed-in-a-string"),
    ],
)
def test_edits_of_a_marker_fix_on_every_test_are_the_literal_ones(tmp_path, compared, source):
    write(tmp_path, {"pyproject.toml": '[tool.tclint]\nextend-select = ["integration-test-without-marker"]\n',
                     "tests/test_many.py": source})  # fmt: skip
    lint_with_edits(tmp_path)
    assert compared
    assert [given for given, _ in compared] == [expected for _, expected in compared]


LINE = st.sampled_from(["\n", "a\n", "b\n", "    c\n", "d\n", "e\n", "f\n"])


@settings(max_examples=500, deadline=None)
@given(prefix=st.lists(LINE, max_size=80), old=st.lists(LINE, max_size=4), new=st.lists(LINE, max_size=4), suffix=st.lists(LINE, max_size=80))
def test_edits_of_the_changed_lines_are_the_whole_texts_edits_whenever_they_are_given(prefix, old, new, suffix):
    """Few distinct lines, so that runs repeat and difflib's matching can pair lines other than the
    equal ones at both ends: local_edits either gives exactly the whole texts' edits or declines."""
    before, after = prefix + old + suffix, prefix + new + suffix
    local = local_edits(before, after, longest_repeated_run(before), len(prefix), len(suffix))
    if local is not None:
        event("given")  # --hypothesis-show-statistics: how often (about one example in seven)
        assert local == edits_between("".join(before), "".join(after))


def test_edits_of_a_change_in_the_middle_of_a_long_text_are_given_from_the_changed_lines():
    lines = [f"line {n}\n" for n in range(200)]
    changed = [*lines[:100], "changed\n", *lines[101:]]
    assert local_edits(lines, changed, longest_repeated_run(lines)) == (Edit("changed\n", (101, 1), (102, 1)),)


@pytest.mark.parametrize(
    "lines, expected",
    [
        pytest.param([], 0, id="empty"),
        pytest.param(["a\n", "b\n", "c\n"], 0, id="no-repeat"),
        pytest.param(["a\n", "b\n", "x\n", "a\n", "b\n"], 2, id="two-lines-twice"),
        pytest.param(["a\n", "a\n", "a\n"], 2, id="overlapping"),
    ],
)
def test_longest_repeated_run(lines, expected):
    assert longest_repeated_run(lines) == expected
