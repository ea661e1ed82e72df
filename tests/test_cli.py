"""The command line as users call it: commands, options, exit codes, output formats."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import write

from tclint.cli import main

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
    "has scope `function`: every test starts a new container"
)


def tclint(*args: str) -> tuple[int, str, str]:
    process = subprocess.run([sys.executable, "-m", "tclint", *args], capture_output=True, text=True)
    return process.returncode, process.stdout, process.stderr


@pytest.fixture
def bad_project(project):
    write(project, {"tests/conftest.py": FUNCTION_SCOPED})
    return project


def test_check_reports_concisely_when_piped_and_exits_1(bad_project):
    code, out, err = tclint("check", "tests")
    assert code == 1
    assert out.splitlines() == [CONCISE_LINE, "Found 1 problem (1 more with --unsafe-fixes)"]
    assert err == ""


def test_paths_without_a_command_mean_check(bad_project):
    assert tclint("tests") == tclint("check", "tests")


def test_check_defaults_to_the_current_directory(bad_project):
    code, out, _ = tclint()
    assert code == 1 and out.startswith(CONCISE_LINE)


def test_fix_without_unsafe_fixes_leaves_unsafe_fixes_alone(bad_project):
    code, out, _ = tclint("--fix", "tests")
    assert code == 1
    assert (bad_project / "tests/conftest.py").read_text() == FUNCTION_SCOPED
    assert out.splitlines()[-1] == "Found 1 problem (0 fixed, 1 remaining)"


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
    code, out, _ = tclint("--statistics", "-q", "tests")
    assert code == 1
    assert out.splitlines()[-2:] == [
        "2  TCL001  [*] unused-suppression",
        "1  TCL101  [*] function-scoped-container-fixture",
    ]


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
    assert err.startswith("tests/test_broken.py: error: syntax error at 2:")
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
        "message": "Container fixture `redis_container` has scope `function`: every test starts a new container",
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
        "url": None,
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
    from tclint import __version__

    assert tclint("--version") == (0, f"tclint (tclint-testcontainers) {__version__}\n", "")


def test_main_returns_exit_codes_in_process(bad_project, capsys):
    assert main(["check", "tests"]) == 1
    assert main(["--version"]) == 0
    assert main(["check", "--output-format", "nope"]) == 2
    capsys.readouterr()


def stderr_on_a_terminal(*args: str) -> tuple[str, str]:
    """Run tclint with stderr on a pseudo-terminal and stdout piped: (stdout, what the terminal showed)."""
    import os
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "tclint", *args], stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower closed: the process is gone
            break
        if not chunk:
            break
        shown += chunk
    stdout = process.stdout.read().decode()
    process.wait()
    os.close(leader)
    return stdout, shown.decode(errors="replace")


@pytest.mark.parametrize(("files", "shows_bar"), [(60, True), (3, False)])
def test_progress_bar_on_a_terminal_only_for_many_files(project, files, shows_bar):
    write(project, {f"tests/test_{n}.py": FUNCTION_SCOPED for n in range(files)})
    stdout, terminal = stderr_on_a_terminal("--no-cache", "tests")
    assert ("Linting" in terminal) is shows_bar
    assert stdout.count("TCL101") == files  # the bar never mixes into the piped output


def test_no_progress_bar_with_quiet(project):
    write(project, {f"tests/test_{n}.py": FUNCTION_SCOPED for n in range(60)})
    _, terminal = stderr_on_a_terminal("--no-cache", "--quiet", "tests")
    assert "Linting" not in terminal
