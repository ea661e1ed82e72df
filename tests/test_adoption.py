"""Adopting tclint on an existing suite: --add-noqa, --fixable/--unfixable/--fix-only, --output-file."""

from __future__ import annotations

import pytest
from helpers import tclint, write

FUNCTION_SCOPED = """\
import pytest
from testcontainers.community.redis import RedisContainer


@pytest.fixture{comment}
def redis_container():
    with RedisContainer("redis:7-alpine") as redis:
        yield redis
"""
UNPINNED = 'from testcontainers.postgres import PostgresContainer\n\n\ndef test_db():\n    with PostgresContainer("postgres") as db:\n        assert db\n'


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        pytest.param("", "  # noqa: TCL101", id="no-comment"),
        pytest.param("  # the cache", "  # the cache  # noqa: TCL101", id="keeps-a-comment"),
        pytest.param("  # noqa: E501", "  # noqa: E501, TCL101", id="merges-into-another-tools-noqa"),
        pytest.param("  # noqa: E501  # why", "  # noqa: E501, TCL101  # why", id="merges-and-keeps-what-follows"),
    ],
)
def test_add_noqa_suppresses_every_finding_and_is_idempotent(project, comment, expected):
    write(project, {"tests/conftest.py": FUNCTION_SCOPED.format(comment=comment)})
    assert tclint("--add-noqa", "tests") == (0, "", "Added 1 noqa directive\n")
    after = (project / "tests/conftest.py").read_text()
    assert after == FUNCTION_SCOPED.format(comment=expected)
    assert tclint("tests") == (0, "All checks passed!\n", "")
    assert tclint("--add-noqa", "tests") == (0, "", "Added 0 noqa directives\n")
    assert (project / "tests/conftest.py").read_text() == after


def test_add_noqa_merges_several_codes_of_one_line_and_leaves_unused_suppressions_to_fix(project):
    write(project, {
        "tests/test_db.py": UNPINNED.replace("def test_db", "import os  # noqa: TCL101\n\n\ndef test_db"),
    })  # fmt: skip
    code, out, err = tclint("--add-noqa", "--select", "ALL", "tests")
    assert (code, out) == (0, "")
    text = (project / "tests/test_db.py").read_text()
    assert '    with PostgresContainer("postgres") as db:  # noqa: TCL102, TCL401\n' in text
    assert "import os  # noqa: TCL101\n" in text, "an unused suppression is fixed, not silenced"
    assert [line.split()[1] for line in tclint("--select", "ALL", "-q", "tests")[1].splitlines()] == ["TCL001"]


def test_add_noqa_leaves_a_line_that_ends_inside_a_string(project):
    source = 'from testcontainers.postgres import PostgresContainer\n\n\ndef test_db():\n    with PostgresContainer("postgres", command="""\n        x""") as db:\n        assert db\n'
    write(project, {"tests/test_db.py": source})
    code, _, err = tclint("--add-noqa", "--select", "TCL401", "tests")
    assert code == 0
    assert err.splitlines() == [
        "tests/test_db.py:5:28: TCL401 left: the line ends inside a string or a backslash continuation and cannot take a comment",
        "Added 0 noqa directives",
    ]
    assert (project / "tests/test_db.py").read_text() == source


@pytest.mark.parametrize(
    ("args", "config", "fixed"),
    [
        pytest.param(["--unfixable", "TCL401"], "", False, id="cli-unfixable"),
        pytest.param(["--fixable", "TCL1"], "", False, id="cli-fixable-elsewhere"),
        pytest.param([], 'unfixable = ["unpinned-container-image"]\n', False, id="config-unfixable"),
        pytest.param([], 'fixable = ["TCL1"]\n', False, id="config-fixable-elsewhere"),
        pytest.param([], 'unfixable = ["TCL4"]\nfixable = ["TCL401"]\n', True, id="the-most-specific-wins"),
        pytest.param(["--fixable", "TCL401"], 'unfixable = ["TCL4"]\n', True, id="cli-fixable-replaces"),
    ],
)
def test_fixable_and_unfixable_decide_which_fixes_are_offered_and_applied(project, args, config, fixed):
    write(project, {"pyproject.toml": f"[tool.tclint]\nselect = ['TCL401']\n{config}", "tests/test_db.py": UNPINNED})
    code, out, _ = tclint("--fix", "--unsafe-fixes", *args, "tests")
    text = (project / "tests/test_db.py").read_text()
    assert ('"postgres:' in text) is fixed
    if not fixed:
        assert code == 1 and out.splitlines()[-1] == "Found 1 problem (0 fixed, 1 remaining)"
        assert tclint("--output-format", "json", "--unsafe-fixes", *args, "tests")[1].count('"fix": null') == 1


def test_fix_only_applies_fixes_and_reports_only_how_many(project):
    write(project, {"tests/conftest.py": FUNCTION_SCOPED.format(comment=""), "tests/test_db.py": UNPINNED})
    assert tclint("--fix-only", "--unsafe-fixes", "--select", "TCL101,TCL102", "tests") == (0, "Fixed 2 problems\n", "")
    assert tclint("--select", "TCL101,TCL102", "tests")[0] == 0
    write(project, {"tests/test_db.py": UNPINNED})
    assert tclint("--fix-only", "--unsafe-fixes", "--exit-non-zero-on-fix", "--select", "TCL102", "tests")[0] == 1
    assert tclint("--fix-only", "--select", "TCL1", "tests") == (0, "Fixed 0 problems\n", ""), "only unsafe fixes left"


@pytest.mark.parametrize("format_name", [None, "json"])
def test_output_file_takes_what_stdout_would_show(project, format_name):
    write(project, {"tests/conftest.py": FUNCTION_SCOPED.format(comment="")})
    given = ["--output-format", format_name] if format_name else []
    expected = tclint(*given, "tests")
    code, out, err = tclint(*given, "--output-file", "report.txt", "tests")
    assert (code, out, err) == (1, "", "")
    assert (project / "report.txt").read_text() == expected[1]


def test_output_file_that_cannot_be_written_is_a_usage_error(project):
    write(project, {"tests/conftest.py": FUNCTION_SCOPED.format(comment="")})
    code, out, err = tclint("--output-file", "no/such/dir/report.txt", "tests")
    assert (code, out) == (2, "")
    assert err == "tclint: error: no/such/dir/report.txt: cannot write: no such file or directory\n"


PLAIN = "def test_add():\n    assert 1 + 1 == 2\n"


@pytest.fixture
def mixed_project(project):
    write(project, {
        "pyproject.toml": '[tool.tclint]\nextend-exclude = ["tests/fixtures/"]\n',
        ".gitignore": "tests/generated_*.py\n",
        ".git/HEAD": "ref: refs/heads/main\n",
        "tests/conftest.py": FUNCTION_SCOPED.format(comment=""),
        "tests/test_plain.py": PLAIN,
        "tests/fixtures/test_sample.py": PLAIN,
        "tests/generated_cases.py": PLAIN,
        "env/pyvenv.cfg": "home = /usr\n",
        "env/lib/test_vendored.py": PLAIN,
    })  # fmt: skip
    return project


def test_show_files_lists_what_a_run_would_lint_and_lints_nothing(mixed_project):
    assert tclint("--show-files", ".") == (0, "tests/conftest.py\ntests/test_plain.py\n", "")
    code, out, err = tclint("--show-files", "-v", ".")
    assert (code, out) == (0, "tests/conftest.py\ntests/test_plain.py\n")
    assert sorted(err.splitlines()) == [
        ".git/: excluded (exclude/extend-exclude)",
        "env/: excluded (a virtual environment)",
        "tests/fixtures/: excluded (exclude/extend-exclude)",
        "tests/generated_cases.py: ignored (.gitignore)",
    ]


def test_verbose_says_what_became_of_each_file(mixed_project):
    code, _, err = tclint("-v", "-q", ".")
    assert code == 1
    assert sorted(line for line in err.splitlines() if line.startswith("tests/")) == [
        "tests/conftest.py: linted",
        "tests/fixtures/: excluded (exclude/extend-exclude)",
        "tests/generated_cases.py: ignored (.gitignore)",
        "tests/test_plain.py: not parsed: no enabled rule's words in it (or no container in reach)",
    ]
    _, _, err = tclint("-v", "-q", ".")
    assert "tests/conftest.py: cached (unchanged since the last run)" in err.splitlines()
    assert "tests/test_plain.py: cached (unchanged since the last run)" in err.splitlines()


def test_config_shows_which_rules_fixes_are_off(project):
    write(project, {"pyproject.toml": '[tool.tclint]\nunfixable = ["TCL4"]\n'})
    code, out, _ = tclint("config")
    assert code == 0
    assert 'unfixable: ["TCL4"]' in out.splitlines()
    assert "  TCL401 unpinned-container-image: on (on by default); fixes off (fixable/unfixable)" in out.splitlines()
    assert "  TCL101 function-scoped-container-fixture: on (on by default)" in out.splitlines()
