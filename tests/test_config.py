"""Configuration: where it is found, what it accepts, and the errors that name key and file."""

from __future__ import annotations

import os

import pytest
from helpers import write

from tclint.cli import main
from tclint.settings import ConfigError, find_config, load_settings


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("[tool.tclint]\nselct = []\n", "unknown key `tool.tclint.selct`", id="unknown-key"),
        pytest.param('[tool.tclint]\nselect = "TCL101"\n', "`tool.tclint.select` must be a list of strings, got 'TCL101'", id="not-a-list"),
        pytest.param('[tool.tclint]\nselect = ["TCL9"]\n', "`tool.tclint.select`: unknown rule selector `TCL9`", id="unknown-selector"),
        pytest.param("[tool.tclint]\nunsafe-fixes = 1\n", "`tool.tclint.unsafe-fixes` must be true or false, got 1", id="not-a-bool"),
        pytest.param("[tool.tclint.rules.nope]\nx = 1\n", "unknown rule `nope` in `tool.tclint.rules.nope`", id="unknown-rule-table"),
        pytest.param(
            "[tool.tclint.rules.function-scoped-container-fixture]\nmin-scop = 'session'\n",
            "unknown option `tool.tclint.rules.function-scoped-container-fixture.min-scop`",
            id="unknown-option",
        ),
        pytest.param(
            "[tool.tclint.rules.function-scoped-container-fixture]\nmin-scope = 'class'\n",
            "must be one of module, package, session; got 'class'",
            id="bad-choice",
        ),
        pytest.param(
            '[tool.tclint]\nper-file-ignores = {"tests/*" = ["TCL9"]}\n',
            "`tool.tclint.per-file-ignores.tests/*`: unknown rule selector `TCL9`",
            id="bad-per-file-ignore",
        ),
        pytest.param("[tool.tclint\n", "invalid TOML", id="invalid-toml"),
    ],
)
def test_bad_configuration_names_the_file_and_the_key(project, text, error):
    write(project, {"pyproject.toml": text})
    with pytest.raises(ConfigError) as raised:
        load_settings(project / "pyproject.toml", project)
    message = str(raised.value)
    assert message.startswith(str(project / "pyproject.toml") + ": ")
    assert error in message


def test_bad_configuration_exits_2_on_the_command_line(project, capsys):
    write(project, {"pyproject.toml": "[tool.tclint]\nselct = []\n"})
    assert main(["."]) == 2
    assert capsys.readouterr().err == f"tclint: error: {project / 'pyproject.toml'}: unknown key `tool.tclint.selct`\n"


DUPLICATE_KEY = '[tool.tclint]\nignore = ["TCL001"]\nignore = ["TCL101"]\n'


@pytest.mark.parametrize(
    ("name", "text", "problem", "position"),
    [
        pytest.param("pyproject.toml", DUPLICATE_KEY, "invalid TOML: ", "(at line 3, column", id="pyproject-duplicate-key"),
        pytest.param("pyproject.toml", "[tool.black]\nline-length = \n", "invalid TOML: ", "(at line 2, column", id="pyproject-without-tclint-table"),
        pytest.param(".tclint.toml", "select = [\"TCL1\",,]\n", "invalid TOML: ", "(at line 1, column", id="tclint-toml"),
        pytest.param("pytest.toml", "[pytest\n", "invalid TOML: ", "(at line 1, column", id="pytest-toml"),
        pytest.param("pytest.ini", "python_files = check_*.py\n", "invalid configuration: ", "line: 1", id="pytest-ini"),
    ],
)
@pytest.mark.parametrize("command", [["check", "tests"], ["config"], ["verify", "--dry-run", "tests"]], ids=" ".join)
def test_a_config_file_that_is_not_valid_is_exit_2_naming_the_file_and_the_position(project, capsys, name, text, problem,
                                                                                    position, command):  # fmt: skip
    write(project, {
        "pyproject.toml": '[tool.tclint]\nselect = ["TCL001"]\n',
        f"sub/{name}": text,
        "sub/tests/test_a.py": "import os  # noqa: TCL101\n",
    })  # fmt: skip
    if name.startswith("pytest"):  # read from the project root, here sub/
        write(project, {"sub/tclint.toml": 'select = ["TCL001"]\n'})
    os.chdir(project / "sub")
    assert main(command) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"tclint: error: {project / 'sub' / name}: {problem}")
    assert position in err and len(err.splitlines()) == 1, "one line, never a parent folder's configuration"


def test_nearest_config_wins_and_pyproject_without_table_is_skipped(project):
    write(project, {
        "pyproject.toml": "[tool.tclint]\nignore = ['TCL001']\n",
        "sub/pyproject.toml": "[tool.black]\n",
        "sub/deeper/.tclint.toml": "ignore = ['TCL101']\n",
    })  # fmt: skip
    assert find_config(project / "sub") == project / "pyproject.toml"
    assert find_config(project / "sub/deeper") == project / "sub/deeper/.tclint.toml"
    settings = load_settings(None, project / "sub/deeper")
    assert settings.ignore == ("TCL101",)
    assert settings.project_root == project / "sub/deeper"


def test_tclint_toml_takes_top_level_keys(project):
    write(project, {"tclint.toml": "select = ['TCL101']\n[rules.function-scoped-container-fixture]\nmin-scope = 'session'\n"})
    settings = load_settings(None, project)
    assert [rule.code for rule in settings.enabled_rules()] == ["TCL101"]
    [rule] = settings.enabled_rules()
    assert settings.options_for(rule) == {"min-scope": "session"}


def test_defaults_without_configuration(project):
    settings = load_settings(None, project)
    assert settings.config_path is None
    assert {rule.code for rule in settings.enabled_rules()} >= {"TCL001", "TCL101"}


def test_per_file_ignores_switch_rules_off_for_matching_files(project):
    from tclint.runner import RunOptions, run

    bad = "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n@pytest.fixture\ndef r():\n    with RedisContainer('redis:7-alpine') as c:\n        yield c\n"
    write(project, {
        "pyproject.toml": '[tool.tclint]\nper-file-ignores = {"tests/legacy/**" = ["function-scoped-container-fixture"]}\n',
        "tests/legacy/conftest.py": bad,
        "tests/conftest.py": bad,
    })  # fmt: skip
    result = run(["."], load_settings(None, project), RunOptions(cache=False))
    assert [d.path for d in result.diagnostics] == ["tests/conftest.py"]


def test_container_classes_setting_detects_project_containers(project):
    from tclint.runner import RunOptions, run

    write(project, {
        "pyproject.toml": '[tool.tclint]\ncontainer-classes = ["acme.testing.*Container"]\n',
        "tests/conftest.py": (
            "import pytest\nfrom acme.testing import BillingContainer\n\n\n"
            "@pytest.fixture\ndef billing():\n    with BillingContainer() as c:\n        yield c\n"
        ),
    })  # fmt: skip
    result = run(["."], load_settings(None, project), RunOptions(cache=False))
    assert [d.code for d in result.diagnostics] == ["TCL101"]


STARTS_IN = (
    "from testcontainers.community.redis import RedisContainer\n\n\n"
    "def {name}():\n    with RedisContainer('redis:7-alpine') as redis:\n        assert redis\n"
)


@pytest.mark.parametrize(
    ("config_name", "config_text"),
    [
        ("pyproject.toml", '[tool.pytest.ini_options]\npython_files = ["check_*.py"]\npython_functions = "check should_*"\n'),
        ("pyproject.toml", '[tool.pytest]\npython_files = ["check_*.py"]\npython_functions = ["check", "should_*"]\n'),
        ("pytest.toml", '[pytest]\npython_files = ["check_*.py"]\npython_functions = ["check", "should_*"]\n'),
        ("pytest.ini", "[pytest]\npython_files = check_*.py\npython_functions = check should_*\n"),
        ("tox.ini", "[tox]\nenvlist = py311\n\n[pytest]\npython_files = check_*.py\npython_functions = check should_*\n"),
        ("setup.cfg", "[metadata]\nname = x\n\n[tool:pytest]\npython_files = check_*.py\npython_functions = check should_*\n"),
    ],
)
def test_tests_are_what_the_projects_pytest_collects(project, config_name, config_text):
    from tclint.runner import RunOptions, run

    write(project, {
        config_name: config_text,
        "tests/check_cache.py": "".join(STARTS_IN.format(name=name) for name in ("check_cache", "should_expire", "test_other")),
        "tests/test_ignored.py": STARTS_IN.format(name="test_not_a_test_module_here"),
    })  # fmt: skip
    settings = load_settings(None, project)
    assert settings.collection.source == str(project / config_name)
    result = run(["."], settings, RunOptions(cache=False, jobs=1))
    tests = sorted(d.message.split("`")[1] for d in result.diagnostics if d.code == "TCL102")
    assert tests == ["check_cache", "should_expire"]


def test_pytest_defaults_without_pytest_configuration(project):
    write(project, {"pyproject.toml": "[tool.ruff]\nline-length = 100\n"})
    collection = load_settings(None, project).collection
    assert collection.source is None
    assert collection.is_test_file("tests/test_a.py") and collection.is_test_file("tests/a_test.py")
    assert not collection.is_test_file("tests/helpers.py")
    assert collection.is_test_function("test_x") and collection.is_test_function("testx")
    assert collection.is_test_class("TestCache") and not collection.is_test_class("CacheTests")


def test_the_nearest_pytest_configuration_wins_and_a_path_pattern_matches_the_path_end(project):
    write(project, {
        "setup.cfg": "[tool:pytest]\npython_files = far_*.py\n",
        "sub/pytest.ini": "[pytest]\npython_files = suite/check_*.py\n",
        "sub/pyproject.toml": '[tool.tclint]\nselect = ["TCL102"]\n',
    })  # fmt: skip
    collection = load_settings(None, project / "sub").collection
    assert collection.source == str(project / "sub" / "pytest.ini")
    assert collection.is_test_file("suite/check_a.py") and not collection.is_test_file("other/check_a.py")
