"""The command line as users call it: commands, options, exit codes, output formats.

In process (`main([...])`), except one smoke test of `python -m tclint`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from helpers import tclint, write

from tclint import REPOSITORY, __version__, cli

FUNCTION_SCOPED = """\
import pytest
from testcontainers.community.redis import RedisContainer


@pytest.fixture
def redis_container():
    with RedisContainer("redis:7-alpine") as redis:
        yield redis
"""
SESSION_SCOPED = FUNCTION_SCOPED.replace("@pytest.fixture\n", '@pytest.fixture(scope="session")\n')
UNUSED_NOQA = "import os  # noqa: TCL101\n"
CONCISE_LINE = (
    "tests/conftest.py:5:1: TCL101 [function-scoped-container-fixture] Container fixture `redis_container` "
    "has scope `function`: every test starts a new container; shared, it keeps whatever the tests write, which "
    "tclint cannot see here: `tclint verify` checks the fix"
)


@pytest.fixture
def terminal(monkeypatch):
    """Make the named streams ("stdout", "stderr") terminals to tclint."""

    def make(*names: str) -> None:
        monkeypatch.setattr(cli, "on_terminal", lambda stream: any(stream is getattr(sys, name) for name in names))

    return make


@pytest.fixture
def bad_project(project):
    write(project, {"tests/conftest.py": FUNCTION_SCOPED})
    return project


def test_check_reports_concisely_when_piped_and_exits_1(bad_project):
    code, out, err = tclint("check", "tests")
    assert code == 1
    assert out.splitlines() == [CONCISE_LINE, "Found 1 problem (1 more with --unsafe-fixes)"]
    assert err == ""


def test_smoke_python_m_tclint(bad_project):
    process = subprocess.run([sys.executable, "-m", "tclint", "tests"], capture_output=True, text=True)
    assert (process.returncode, process.stdout, process.stderr) == (1, tclint("tests")[1], "")


def test_paths_without_a_command_mean_check(bad_project):
    assert tclint("tests") == tclint("check", "tests")


def test_check_defaults_to_the_current_directory(bad_project):
    code, out, _ = tclint()
    assert code == 1 and out.startswith(CONCISE_LINE)


def test_fix_without_unsafe_fixes_leaves_unsafe_fixes_alone(bad_project):
    code, out, _ = tclint("--fix", "tests")
    assert code == 1
    assert (bad_project / "tests/conftest.py").read_text() == FUNCTION_SCOPED
    assert out.splitlines()[-1] == "Found 1 problem (0 fixed, 1 remaining, 1 fixable with --unsafe-fixes)"


def test_fix_with_unsafe_fixes_rewrites_and_exits_0(bad_project):
    code, out, _ = tclint("--fix", "--unsafe-fixes", "tests/")
    assert code == 0
    assert (bad_project / "tests/conftest.py").read_text() == SESSION_SCOPED
    assert out == "Found 1 problem (1 fixed, 0 remaining)\n"
    assert tclint("tests") == (0, "All checks passed!\n", "")


def test_unsafe_fixes_from_configuration(bad_project):
    write(bad_project, {"pyproject.toml": "[tool.tclint]\nunsafe-fixes = true\n"})
    assert tclint("--fix", "tests")[0] == 0
    assert (bad_project / "tests/conftest.py").read_text() == SESSION_SCOPED


def test_exit_non_zero_on_fix(bad_project):
    code, _, _ = tclint("--fix", "--unsafe-fixes", "--exit-non-zero-on-fix", "tests")
    assert code == 1
    assert (bad_project / "tests/conftest.py").read_text() == SESSION_SCOPED


def test_exit_zero(bad_project):
    code, out, _ = tclint("--exit-zero", "tests")
    assert code == 0 and CONCISE_LINE in out


def test_diff_prints_the_fix_and_writes_nothing(bad_project):
    code, out, err = tclint("--diff", "--unsafe-fixes", "tests")
    assert code == 1
    assert "-@pytest.fixture\n+@pytest.fixture(scope=\"session\")\n" in out
    assert out.startswith("--- a/tests/conftest.py\n+++ b/tests/conftest.py\n")
    assert (bad_project / "tests/conftest.py").read_text() == FUNCTION_SCOPED
    assert err == "Would fix 1 file(s)\n"
    assert tclint("--diff", "tests")[0] == 0, "without --unsafe-fixes there is nothing to show"


def test_quiet_prints_diagnostics_only(bad_project):
    assert tclint("-q", "tests") == (1, CONCISE_LINE + "\n", "")


def test_statistics(bad_project):
    write(bad_project, {"tests/test_b.py": UNUSED_NOQA, "tests/test_c.py": UNUSED_NOQA})
    code, out, _ = tclint("--statistics", "tests")
    assert code == 1
    assert out.splitlines() == [
        "2  TCL001  [*] unused-suppression",
        "1  TCL101  [*] function-scoped-container-fixture",
        "Found 3 problems (2 fixable with --fix, 1 more with --unsafe-fixes)",
    ], "the counts replace the listing, as ruff's --statistics does"


@pytest.mark.parametrize("format_name", ["json", "sarif", "gitlab", "github"])
def test_statistics_with_a_machine_format_keeps_stdout_machine_readable(bad_project, format_name):
    code, out, err = tclint("--statistics", "--output-format", format_name, "tests")
    assert code == 1
    assert out == tclint("--output-format", format_name, "tests")[1], "the listing, unchanged"
    assert err == "1  TCL101  [*] function-scoped-container-fixture\n"


def codes(out: str) -> list[str]:
    return [line.split()[1] for line in out.splitlines()]


def test_select_ignore_and_extend_select(bad_project):
    write(bad_project, {"tests/test_b.py": "import os  # tclint: ignore[no-such-rule]\n"})
    assert codes(tclint("--select", "TCL1", "-q", "tests")[1]) == ["TCL101"]
    assert codes(tclint("--ignore", "function-scoped-container-fixture", "-q", "tests")[1]) == ["TCL001"]
    assert codes(tclint("--select", "TCL001", "--extend-select", "TCL101", "-q", "tests")[1]) == ["TCL101", "TCL001"]
    assert tclint("--select", "TCL1", "--ignore", "TCL101", "tests")[0] == 0, "the more specific selector wins"
    assert codes(tclint("--select", "ALL", "--ignore", "TCL1", "--select", "TCL101", "-q", "tests")[1]) == [
        "TCL101",
        "TCL001",
    ], "an exact code beats a prefix"


def test_a_suppression_of_a_rule_that_is_off_is_not_reported(bad_project):
    write(bad_project, {"tests/test_b.py": UNUSED_NOQA})
    assert tclint("--select", "TCL001", "tests")[0] == 0


def test_unknown_selector_is_a_usage_error(bad_project):
    code, out, err = tclint("--select", "TCL999", "tests")
    assert code == 2 and out == ""
    assert err == "tclint: error: --select: unknown rule selector `TCL999` (see `tclint rules`)\n"


def test_missing_path_is_named_and_exits_2(bad_project):
    code, out, err = tclint("tests", "no/such/dir")
    assert code == 2
    assert err == "no/such/dir: error: no such file or directory\n"
    assert CONCISE_LINE in out, "the paths that exist are still linted"


def test_unparseable_file_is_one_line_and_the_others_are_linted(bad_project):
    write(bad_project, {"tests/test_broken.py": "from testcontainers import x\ndef f(:\n"})
    code, out, err = tclint("tests")
    assert code == 2
    assert err == "tests/test_broken.py: error: syntax error at 2:7: invalid syntax\n"
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert CONCISE_LINE in out
    assert out.splitlines()[-1].endswith("; errors in 1 file, shown above")


def test_a_clean_run_with_an_unreadable_file_does_not_claim_all_checks_passed(project):
    write(project, {"tests/test_ok.py": "def test_ok():\n    assert True\n", "tests/test_broken.py": "from testcontainers import x\ndef f(:\n"})
    code, out, _ = tclint("tests")
    assert (code, out) == (2, "No problems found; errors in 1 file, shown above\n")


def test_json_output_schema(bad_project):
    code, out, _ = tclint("--output-format", "json", "--unsafe-fixes", "tests")
    assert code == 1
    [item] = json.loads(out)
    assert item == {
        "filename": str(bad_project / "tests/conftest.py"),
        "location": {"row": 5, "column": 1},
        "end_location": {"row": 5, "column": 16},
        "code": "TCL101",
        "name": "function-scoped-container-fixture",
        "message": (
            "Container fixture `redis_container` has scope `function`: every test starts a new container; shared, "
            "it keeps whatever the tests write, which tclint cannot see here: `tclint verify` checks the fix"
        ),
        "fix": {
            "applicability": "unsafe",
            "message": 'Set `scope="session"`',
            "edits": [
                {
                    "content": '@pytest.fixture(scope="session")\n',
                    "location": {"row": 5, "column": 1},
                    "end_location": {"row": 6, "column": 1},
                }
            ],
        },
        "url": f"{REPOSITORY}/blob/v{__version__}/rules/function-scoped-container-fixture.md",
    }


def test_github_annotations_escape_their_properties(project):
    write(project, {"tests/a,b.py": UNUSED_NOQA})
    code, out, _ = tclint("--output-format", "github", "tests")
    assert code == 1
    assert out == (
        "::error file=tests/a%2Cb.py,line=1,col=12,endLine=1,endColumn=26,"
        "title=TCL001 unused-suppression::Unused suppression of `TCL101`\n"
    )


def test_gitlab_code_quality_report(bad_project):
    write(bad_project, {"tests/test_b.py": UNUSED_NOQA + UNUSED_NOQA})
    code, out, _ = tclint("--output-format", "gitlab", "tests")
    assert code == 1
    issues = json.loads(out)
    assert len(issues) == 3
    assert len({issue["fingerprint"] for issue in issues}) == 3, "identical problems still get distinct fingerprints"
    first = issues[0]
    assert set(first) == {"description", "check_name", "fingerprint", "severity", "location"}
    assert first["location"]["path"] == "tests/conftest.py" and first["location"]["lines"]["begin"] == 5
    assert first["severity"] in ("info", "minor", "major", "critical", "blocker")


def test_sarif_is_valid_for_code_scanning(bad_project):
    from sarif_pydantic import Sarif

    code, out, _ = tclint("--output-format", "sarif", "tests")
    assert code == 1
    document = json.loads(out)
    Sarif.model_validate(document)
    assert document["version"] == "2.1.0"
    [run] = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert {"TCL001", "TCL101"} <= {rule["id"] for rule in rules}
    assert all(rule["shortDescription"]["text"] and rule["fullDescription"]["text"] for rule in rules)
    [result] = run["results"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "TCL101"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "tests/conftest.py"
    assert location["region"]["startLine"] == 5


def test_full_format_shows_the_source_line_a_caret_and_the_fix(bad_project):
    code, out, _ = tclint("--output-format", "full", "tests")
    assert code == 1
    assert out.splitlines()[:6] == [
        CONCISE_LINE,
        "  |",
        "5 | @pytest.fixture",
        "  | ^^^^^^^^^^^^^^^ TCL101",
        "  |",
        '  = help: Set `scope="session"` (unsafe fix, available with --unsafe-fixes)',
    ]


def test_rules_lists_every_rule(project):
    code, out, _ = tclint("rules")
    assert code == 0
    assert "TCL101  function-scoped-container-fixture" in out
    assert "TCL001  unused-suppression" in out


@pytest.mark.parametrize("selector", ["TCL101", "tcl101", "function-scoped-container-fixture"])
def test_explain_prints_the_rule_doc(project, selector):
    code, out, _ = tclint("explain", selector)
    assert code == 0
    assert out.startswith("# function-scoped-container-fixture (TCL101)\n")
    assert "## Why is this bad?" in out and "+++" not in out
    assert out.endswith("Fix: sometimes (unsafe). Since: 0.1.0.\n")


def test_explain_unknown_rule(project):
    assert tclint("explain", "nope") == (2, "", "tclint: error: unknown rule `nope` (see `tclint rules`)\n")


def test_config_explains_why_each_rule_is_on_or_off(project):
    write(project, {"pyproject.toml": '[tool.tclint]\nignore = ["TCL001"]\nper-file-ignores = {"tests/legacy/*" = ["TCL101"]}\n'})
    code, out, _ = tclint("config", "tests/legacy/test_old.py")
    assert code == 0
    assert f"configuration: {project / 'pyproject.toml'}" in out
    assert "  TCL001 unused-suppression: off (ignore `TCL001` (pyproject.toml))" in out
    assert "  TCL101 function-scoped-container-fixture: off (per-file-ignores match tests/legacy/test_old.py)" in out
    assert '      min-scope = "module"' in out
    code, out, _ = tclint("config", "--config", "pyproject.toml")
    assert "  TCL101 function-scoped-container-fixture: on (on by default)" in out


def test_version(project):
    assert tclint("--version") == (0, f"tclint (tclint-testcontainers) {__version__}\n", "")


def test_main_returns_exit_codes(bad_project):
    assert tclint("check", "tests")[0] == 1
    assert tclint("--version")[0] == 0
    assert tclint("check", "--output-format", "nope")[0] == 2


@pytest.mark.parametrize(("files", "shows_bar"), [(60, True), (3, False)])
def test_progress_bar_on_a_terminal_only_for_many_files(project, terminal, files, shows_bar):
    write(project, {f"tests/test_{n}.py": FUNCTION_SCOPED for n in range(files)})
    terminal("stderr")
    _, stdout, shown = tclint("--no-cache", "tests")
    assert ("Linting" in shown) is shows_bar
    assert stdout.count("TCL101") == files  # the bar never mixes into the piped output


def test_no_progress_bar_with_quiet(project, terminal):
    write(project, {f"tests/test_{n}.py": FUNCTION_SCOPED for n in range(60)})
    terminal("stderr")
    assert "Linting" not in tclint("--no-cache", "--quiet", "tests")[2]


BROKEN = "from testcontainers import x\ndef f(:\n"
BROKEN_MESSAGE = "syntax error at 2:7: invalid syntax"


def test_a_syntax_error_is_reported_where_python_places_it(project):
    write(project, {"tests/test_open.py": "from testcontainers import x\nx = (\n\n\ny = 1\n"})
    assert tclint("tests")[2] == "tests/test_open.py: error: syntax error at 2:5: '(' was never closed\n"


def test_a_file_that_cannot_be_parsed_is_in_the_json_output(bad_project):
    write(bad_project, {"tests/test_broken.py": BROKEN})
    code, out, err = tclint("--output-format", "json", "tests")
    assert code == 2 and err == f"tests/test_broken.py: error: {BROKEN_MESSAGE}\n"
    conftest, broken = json.loads(out)
    assert conftest["code"] == "TCL101"
    assert broken == {
        "filename": str(bad_project / "tests/test_broken.py"),
        "location": {"row": 2, "column": 7},
        "end_location": {"row": 2, "column": 7},
        "code": "TCL000",
        "name": "file-error",
        "message": BROKEN_MESSAGE,
        "fix": None,
        "url": None,
    }


def test_a_file_that_cannot_be_parsed_is_in_the_github_and_gitlab_output(bad_project):
    write(bad_project, {"tests/test_broken.py": BROKEN})
    code, out, _ = tclint("--output-format", "github", "tests")
    assert code == 2
    assert out.splitlines()[1] == (
        "::error file=tests/test_broken.py,line=2,col=7,endLine=2,endColumn=7,"
        f"title=TCL000 file-error::{BROKEN_MESSAGE}"
    )
    code, out, _ = tclint("--output-format", "gitlab", "tests")
    broken = json.loads(out)[1]
    assert (code, broken["check_name"], broken["description"]) == (2, "TCL000 file-error", f"TCL000 [file-error] {BROKEN_MESSAGE}")
    assert broken["location"]["path"] == "tests/test_broken.py" and broken["location"]["lines"]["begin"] == 2
    assert broken["severity"] == "critical"


def test_a_file_that_cannot_be_parsed_is_a_sarif_notification(bad_project):
    from sarif_pydantic import Sarif

    write(bad_project, {"tests/test_broken.py": BROKEN})
    code, out, _ = tclint("--output-format", "sarif", "tests")
    assert code == 2
    document = json.loads(out)
    Sarif.model_validate(document)
    [invocation] = document["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error" and notification["message"]["text"] == BROKEN_MESSAGE
    location = notification["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "tests/test_broken.py"
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (2, 7)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["--exit-zero", "--diff", "--unsafe-fixes"], 0, id="diff"),
        pytest.param(["--exit-zero", "--fix", "--exit-non-zero-on-fix", "--unsafe-fixes"], 0, id="exit-non-zero-on-fix"),
        pytest.param(["--exit-zero", "--fix"], 0, id="fix-leaves-some"),
        pytest.param(["--exit-zero", "tests/no_such_file.py"], 2, id="an-error-stays-2"),
    ],
)
def test_exit_zero_is_0_unless_there_is_an_error(bad_project, args, code):
    assert tclint(*args, "tests")[0] == code


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_rules_on_an_80_column_terminal_never_split_a_word(project, terminal, monkeypatch):
    from tclint.catalog import load_catalog

    terminal("stdout")
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = tclint("rules")
    assert code == 0
    lines = ANSI.sub("", out).splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "Summary" not in lines[1], "too narrow for a summary column"
    for rule in load_catalog():
        assert any(f" {rule.code} " in line and f" {rule.name} " in line for line in lines)


@pytest.mark.parametrize("columns", [100, 140])
def test_rules_on_a_wide_terminal_fold_summaries_at_spaces(project, terminal, monkeypatch, columns):
    from tclint.catalog import load_catalog

    terminal("stdout")
    monkeypatch.setenv("COLUMNS", str(columns))
    out = ANSI.sub("", tclint("rules")[1])
    cells = [line.split("│")[3].strip() for line in out.splitlines() if line.count("│") == 5]
    shown = " ".join(cell for cell in cells if cell)
    assert "Summary" in out.splitlines()[1]
    for rule in load_catalog():
        assert rule.summary in " ".join(shown.split()), "every word whole, in order"


def test_full_format_on_a_terminal_styles_lines_by_what_they_are_not_by_their_text(project, terminal):
    source = FUNCTION_SCOPED.replace("@pytest.fixture\n", "@pytest.fixture  # see: docs: TCL101: why\n")
    write(project, {"tests/conftest.py": source})
    terminal("stdout")
    out = tclint("--output-format", "full", "tests")[1]
    bold, red, cyan, reset = "\x1b[1m", "\x1b[31m", "\x1b[36m", "\x1b[0m"
    lines = out.splitlines()
    assert lines[0] == bold + CONCISE_LINE + reset
    assert lines[2] == "5 | @pytest.fixture  # see: docs: TCL101: why", "a source line is never styled"
    assert lines[3] == f"{red}  | {'^' * 15} TCL101{reset}"
    assert lines[5].startswith(cyan + "  = help: ")


def test_sarif_rules_link_their_documentation_and_results_carry_their_fixes(bad_project):
    from sarif_pydantic import Sarif

    from tclint.catalog import find_rule, split_front_matter

    document = json.loads(tclint("--output-format", "sarif", "tests")[1])
    Sarif.model_validate(document)
    [run] = document["runs"]
    assert run["tool"]["driver"]["informationUri"] == REPOSITORY
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    rule = rules["TCL101"]
    assert rule["helpUri"] == f"{REPOSITORY}/blob/v{__version__}/rules/function-scoped-container-fixture.md"
    doc = find_rule("TCL101").doc_path
    body = split_front_matter(doc.read_text(encoding="utf-8"), doc)[1].strip()
    assert rule["help"] == {"text": body, "markdown": body}
    [result] = run["results"]
    assert result["fixes"] == [
        {
            "description": {"text": 'Set `scope="session"` (unsafe fix)'},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "tests/conftest.py", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {"startLine": 5, "startColumn": 1, "endLine": 6, "endColumn": 1},
                            "insertedContent": {"text": '@pytest.fixture(scope="session")\n'},
                        }
                    ],
                }
            ],
        }
    ]


SUBFOLDER_PROJECT = {
    "pyproject.toml": '[project]\nname = "x"\ndependencies = ["testcontainers==4.15.0"]\n',
    "tests/conftest.py": (
        "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n"
        '@pytest.fixture(scope="session")\ndef cache():\n    with RedisContainer("redis:7.2-alpine") as redis:\n        yield redis\n'
    ),
    "tests/unit/test_pricing.py": "def test_price(cache):\n    assert cache\n",
    "tests/integration/conftest.py": "from unittest.mock import MagicMock\n\nimport pytest\n\n\n@pytest.fixture\ndef mock_redis():\n    return MagicMock()\n",
}  # fmt: skip


@pytest.mark.parametrize("folder", [
    pytest.param("tests/unit", id="unit"),
    pytest.param("tests/integration", id="integration"),
])  # fmt: skip
def test_a_run_from_a_subfolder_finds_what_a_run_from_the_project_root_finds(project, monkeypatch, folder):
    """Without a tclint configuration the project is the nearest folder above with a project file: the
    conftest.py files above the subfolder lend their fixtures, and the folder names that make a test a unit
    or an integration test are the project's, not those below the current folder."""
    write(project, SUBFOLDER_PROJECT)
    _, from_root, _ = tclint("--no-cache", "-q", "--select", "TCL5", folder)
    assert from_root, "the case has findings"
    monkeypatch.chdir(project / folder)
    _, from_inside, _ = tclint("--no-cache", "-q", "--select", "TCL5", ".")
    assert from_inside == from_root.replace(f"{folder}/", "")
