"""The project a file belongs to: the versions it pins (per file, in a monorepo too) and where the wait
helper goes."""

from __future__ import annotations

import json

import pytest
from helpers import write

from tclint.cli import main
from tclint.project import package_version, parse_spec, pytest_collection

SPECS = [
    pytest.param("==3.7.1", (3, 7, 1), (3, 7, 1, 1), id="exact"),
    pytest.param("3.7.1", (3, 7, 1), (3, 7, 1, 1), id="poetry-bare"),
    pytest.param(">=4,<5", (4, 0, 0), (5, 0, 0), id="range"),
    pytest.param("~=4.10", (4, 10, 0), (5, 0, 0), id="compatible-two-parts"),
    pytest.param("~=4.10.2", (4, 10, 2), (4, 11, 0), id="compatible-three-parts"),
    pytest.param("^4.10", (4, 10, 0), (5, 0, 0), id="poetry-caret"),
    pytest.param("~4.10", (4, 10, 0), (4, 11, 0), id="poetry-tilde"),
    pytest.param("==4.*", (4, 0, 0), (5, 0, 0), id="wildcard"),
    pytest.param("<4", None, (4, 0, 0), id="below"),
    pytest.param(">=4.13, !=4.14.0", (4, 13, 0), None, id="at-least-with-exclusion"),
]


@pytest.mark.parametrize(("text", "low", "high"), SPECS)
def test_specifiers_become_bounds(text, low, high):
    spec = parse_spec(text)
    assert (spec.low, spec.high) == (low, high)


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        pytest.param("==3.7.1", (False, False, False), id="3.x"),
        pytest.param("==4.10.0", (True, False, False), id="4.10"),
        pytest.param("==4.13.1", (True, True, False), id="4.13"),
        pytest.param("==4.15.0", (True, True, True), id="4.15"),
        pytest.param(">=4,<5", (True, None, None), id="any-4"),
    ],
)
def test_version_questions(text, answers):
    spec = parse_spec(text)
    assert (spec.at_least((4, 0)), spec.at_least((4, 13)), spec.at_least((4, 15))) == answers


def test_a_specifier_that_bounds_nothing_is_no_version():
    assert parse_spec("*") is None and parse_spec("!=4.1") is None


SOURCES = [
    pytest.param({"uv.lock": '[[package]]\nname = "testcontainers"\nversion = "4.10.0"\n'}, "==4.10.0", "uv.lock", id="uv-lock"),
    pytest.param({"poetry.lock": '[[package]]\nname = "Testcontainers"\nversion = "3.7.1"\n'}, "==3.7.1", "poetry.lock", id="poetry-lock"),
    pytest.param({"pdm.lock": '[[package]]\nname = "testcontainers"\nversion = "4.13.2"\n'}, "==4.13.2", "pdm.lock", id="pdm-lock"),
    pytest.param({"Pipfile.lock": '{"develop": {"testcontainers": {"version": "==4.4.0"}}}'}, "==4.4.0", "Pipfile.lock", id="pipfile-lock"),
    pytest.param({"pyproject.toml": '[project]\ndependencies = ["testcontainers[postgres]==4.9.0 ; python_version > \'3.9\'"]\n'},
                 "==4.9.0", "pyproject.toml", id="pep621"),
    pytest.param({"pyproject.toml": '[project.optional-dependencies]\ntest = ["testcontainers>=4.13,<5"]\n'},
                 ">=4.13,<5", "pyproject.toml", id="pep621-extra-range"),
    pytest.param({"pyproject.toml": '[dependency-groups]\ndev = ["testcontainers~=4.10"]\n'}, "~=4.10", "pyproject.toml", id="dependency-group"),
    pytest.param({"pyproject.toml": '[tool.poetry.group.test.dependencies]\ntestcontainers = {version = "^3.7", extras = ["postgres"]}\n'},
                 "^3.7", "pyproject.toml", id="poetry-group"),
    pytest.param({"pyproject.toml": '[tool.pdm.dev-dependencies]\ntest = ["testcontainers==4.12.0"]\n'}, "==4.12.0", "pyproject.toml", id="pdm-dev"),
    pytest.param({"pyproject.toml": '[tool.hatch.envs.test]\ndependencies = ["testcontainers==4.11.0"]\n'}, "==4.11.0", "pyproject.toml", id="hatch-env"),
    pytest.param({"requirements-dev.txt": "pytest\ntestcontainers[redis] == 4.8.2  # pinned\n"}, "== 4.8.2", "requirements-dev.txt", id="requirements"),
    pytest.param({"requirements/test.txt": "testcontainers==3.7.1\n"}, "==3.7.1", "requirements/test.txt", id="requirements-folder"),
    pytest.param({"tests/requirements.txt": "testcontainers-postgres==0.0.1\ntestcontainers==4.1.0\n"}, "==4.1.0",
                 "tests/requirements.txt", id="tests-requirements-another-package-first"),
    pytest.param({"setup.cfg": "[options]\ninstall_requires =\n    requests\n[options.extras_require]\ntest =\n    testcontainers==3.7.0\n"},
                 "==3.7.0", "setup.cfg", id="setup-cfg"),
    pytest.param({"setup.py": 'setup(name="x", extras_require={"test": ["testcontainers[mysql]==4.2.0"]})\n'}, "==4.2.0", "setup.py", id="setup-py"),
]


@pytest.mark.parametrize(("files", "text", "source"), SOURCES)
def test_every_kind_of_project_file_says_the_version(tmp_path, files, text, source):
    write(tmp_path, {".git/HEAD": "", **files})
    spec = package_version(tmp_path, "testcontainers")
    assert (spec.text, spec.source) == (text, source)


def test_a_workspace_lock_above_settles_a_members_range(tmp_path):
    write(tmp_path, {".git/HEAD": "", "uv.lock": '[[package]]\nname = "testcontainers"\nversion = "4.15.0"\n',
                     "packages/api/pyproject.toml": '[project]\ndependencies = ["testcontainers>=4.10"]\n'})  # fmt: skip
    assert package_version(tmp_path / "packages/api", "testcontainers").text == "==4.15.0"


def test_no_mention_up_to_the_repository_root_is_unknown(tmp_path):
    write(tmp_path / "outside", {"uv.lock": '[[package]]\nname = "testcontainers"\nversion = "4.15.0"\n'})
    write(tmp_path / "outside/repo", {".git/HEAD": "", "pyproject.toml": '[project]\nname = "x"\n'})
    assert package_version(tmp_path / "outside/repo", "testcontainers") is None


LEGACY_AND_USER = """\
from testcontainers.postgres import PostgresContainer


def test_insert():
    with PostgresContainer("postgres:16-alpine", user="app") as postgres:
        assert postgres.get_connection_url()
"""


def monorepo(root):
    """Two projects pinning different testcontainers, a third with no pin, and a tools folder."""
    write(root, {
        ".git/HEAD": "",
        "services/legacy/pyproject.toml": '[tool.poetry.dependencies]\ntestcontainers = "^3.7"\n',
        "services/legacy/backend/poetry.lock": '[[package]]\nname = "testcontainers"\nversion = "3.7.1"\n',
        "services/legacy/backend/pyproject.toml": '[tool.poetry]\nname = "backend"\n',
        "services/legacy/backend/tests/test_db.py": LEGACY_AND_USER,
        "services/current/uv.lock": '[[package]]\nname = "testcontainers"\nversion = "4.15.0"\n',
        "services/current/pyproject.toml": '[project]\nname = "current"\n',
        "services/current/tests/test_db.py": LEGACY_AND_USER,
        "services/unpinned/pyproject.toml": '[project]\nname = "unpinned"\n',
        "services/unpinned/tests/test_db.py": LEGACY_AND_USER,
        "tools/README.md": "",
    })  # fmt: skip


def test_each_file_is_fixed_for_the_version_its_own_project_pins(tmp_path, monkeypatch, capsys):
    monorepo(tmp_path)
    monkeypatch.chdir(tmp_path / "tools")
    code = main(["check", "--no-cache", "--fix", "--unsafe-fixes", "--select", "TCL7", "--output-format", "concise", "../services"])
    out = capsys.readouterr().out
    assert (tmp_path / "services/legacy/backend/tests/test_db.py").read_text() == LEGACY_AND_USER, "3.7.1: user= and the old path are right"
    assert (tmp_path / "services/current/tests/test_db.py").read_text() == LEGACY_AND_USER.replace(
        "testcontainers.postgres", "testcontainers.community.postgres").replace("user=", "username=")  # fmt: skip
    assert (tmp_path / "services/unpinned/tests/test_db.py").read_text() == LEGACY_AND_USER, "unknown: nothing rewritten"
    assert [line.split("/services/", 1)[1] for line in out.splitlines()[:2]] == [
        "unpinned/tests/test_db.py:1:1: TCL701 [legacy-testcontainers-import] `testcontainers.postgres` moved to "
        "`testcontainers.community.postgres` in testcontainers 4.15: the old path warns (the project pins no testcontainers "
        "version: no fix; pin it, or set `testcontainers-version`)",
        "unpinned/tests/test_db.py:5:50: TCL702 [deprecated-testcontainers-api] `PostgresContainer(..., user=...)` "
        "raises ValueError in testcontainers 4: use `username` (the project pins no testcontainers version: no fix; pin it, or "
        "set `testcontainers-version`)",
    ]
    assert code == 1


def test_the_command_line_version_wins_over_the_projects(tmp_path, monkeypatch, capsys):
    monorepo(tmp_path)
    monkeypatch.chdir(tmp_path)
    main(["check", "--no-cache", "--select", "TCL7", "--output-format", "concise", "--testcontainers-version", "3.7.1", "services"])
    assert capsys.readouterr().out == "All checks passed!\n"


def test_a_range_that_does_not_decide_says_what_it_allows(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"pyproject.toml": '[project]\ndependencies = ["testcontainers>=4.10"]\n', "tests/test_db.py": LEGACY_AND_USER})
    monkeypatch.chdir(tmp_path)
    main(["check", "--no-cache", "--select", "TCL701", "--output-format", "concise", "."])
    assert "(the project allows >=4.10 (pyproject.toml): no fix; pin it, or set `testcontainers-version`)" in capsys.readouterr().out


def test_config_shows_the_version_of_the_path_given(tmp_path, monkeypatch, capsys):
    monorepo(tmp_path)
    monkeypatch.chdir(tmp_path / "tools")
    main(["config", "../services/legacy/backend/tests"])
    assert f"testcontainers version: ==3.7.1 (poetry.lock), for the project at {tmp_path / 'services/legacy/backend'}\n" in capsys.readouterr().out


def test_a_bad_version_setting_is_an_error_naming_the_key(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"pyproject.toml": '[tool.tclint]\ntestcontainers-version = "latest"\n'})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "."]) == 2
    assert "`tool.tclint.testcontainers-version` must be a version" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("files", "marks"),
    [
        pytest.param({"pyproject.toml": '[tool.pytest.ini_options]\nmarkers = ["integration: containers", "slow"]\n'},
                     ("integration", "slow"), id="pyproject"),
        pytest.param({"pytest.ini": "[pytest]\nmarkers =\n    integration(kind): containers\n    slow\n"}, ("integration", "slow"), id="pytest.ini"),
        pytest.param({"setup.cfg": "[tool:pytest]\nmarkers = integration: containers\n"}, ("integration",), id="setup.cfg"),
        pytest.param({"tox.ini": "[pytest]\naddopts = -q\n"}, (), id="none registered"),
    ],
)  # fmt: skip
def test_the_marks_the_pytest_configuration_registers(tmp_path, files, marks):
    write(tmp_path, files)
    assert pytest_collection(tmp_path).marks == marks


UNMARKED_CONTAINER_TEST = """\
from testcontainers.redis import RedisContainer


def test_ping():
    with RedisContainer("redis:7.2-alpine") as redis:
        assert redis.get_client().ping()
"""


def test_marking_a_test_is_safe_only_once_the_mark_is_registered(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"pyproject.toml": '[tool.tclint]\nextend-select = ["TCL502"]\n', "tests/test_ping.py": UNMARKED_CONTAINER_TEST})
    monkeypatch.chdir(tmp_path)
    command = ["check", "--fix", "--select", "TCL502", "--output-format", "concise", "."]
    assert main(command) == 1
    assert "Found 1 problem (0 fixed, 1 remaining, 1 fixable with --unsafe-fixes)\n" in capsys.readouterr().out
    assert (tmp_path / "tests/test_ping.py").read_text() == UNMARKED_CONTAINER_TEST
    write(tmp_path, {"pytest.ini": "[pytest]\nmarkers =\n    integration: tests that start containers\n"})
    assert main(command) == 0, "the cached run sees the registration"
    assert (tmp_path / "tests/test_ping.py").read_text().startswith("import pytest\n")
    assert "@pytest.mark.integration\ndef test_ping():" in (tmp_path / "tests/test_ping.py").read_text()


@pytest.mark.parametrize(
    ("files", "registered"),
    [
        pytest.param({"services/api/pyproject.toml": '[project]\nname = "api"\n\n[tool.pytest.ini_options]\nmarkers = ["integration: containers"]\n'},
                     True, id="the file's own project registers it"),
        pytest.param({"services/api/pyproject.toml": '[project]\nname = "api"\n',
                      "services/api/tests/conftest.py": 'def pytest_configure(config):\n    config.addinivalue_line("markers", "integration: containers")\n'},
                     True, id="a conftest pytest_configure hook"),
        pytest.param({"services/api/pyproject.toml": '[project]\nname = "api"\n',
                      "services/api/conftest.py": ('def pytest_configure(config):\n    for line in ("slow: long", "integration(kind): containers"):\n'
                                                   '        config.addinivalue_line("markers", line)\n')},
                     True, id="a hook's loop over literal lines"),
        pytest.param({"services/api/pyproject.toml": '[project]\nname = "api"\n',
                      "services/other/conftest.py": 'def pytest_configure(config):\n    config.addinivalue_line("markers", "integration: containers")\n'},
                     False, id="a conftest.py that is not above the file"),
        pytest.param({"services/api/pyproject.toml": '[project]\nname = "api"\n',
                      "services/api/tests/conftest.py": 'def pytest_configure(config):\n    config.addinivalue_line("markers", "slow: long")\n'},
                     False, id="a hook registering another mark"),
    ],
)  # fmt: skip
def test_marks_are_read_for_each_files_project(tmp_path, monkeypatch, capsys, files, registered):
    """The run's own folder registers nothing: the mark counts when the test file's project registers it,
    in its pytest configuration or in a `pytest_configure` hook of a conftest.py above the file."""
    write(tmp_path, {"pyproject.toml": '[project]\nname = "monorepo"\n', "services/api/tests/test_ping.py": UNMARKED_CONTAINER_TEST, **files})
    monkeypatch.chdir(tmp_path)
    main(["check", "--no-cache", "--select", "TCL502", "--output-format", "json", "."])
    (diagnostic,) = json.loads(capsys.readouterr().out)
    assert diagnostic["fix"]["applicability"] == ("safe" if registered else "unsafe")
