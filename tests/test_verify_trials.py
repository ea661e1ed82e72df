"""`tclint verify` on small projects whose tests need no container: a fix that the test can see (it reads
its own source) is rejected, one it cannot is kept, and one that no passing test can judge is
unverified and not written. The real-container runs are in tests/e2e/test_verify.py."""

from __future__ import annotations

import json
import subprocess

import pytest
from helpers import write

from tclint.cli import main
from tclint.verify.pytest_runs import parse_junit

LEGACY = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from testcontainers.redis import RedisContainer\n"
FIXED = LEGACY.replace("testcontainers.redis", "testcontainers.community.redis")
SEES_ITS_SOURCE = LEGACY + (
    "from pathlib import Path\n\n\n"
    "def test_the_source_is_as_written():\n"
    "    assert Path(__file__).read_text().splitlines()[3] == '    from testcontainers' + '.redis import RedisContainer'\n"
)
BLIND = LEGACY + "\n\ndef test_nothing_to_see():\n    assert not TYPE_CHECKING\n"
FAILS = LEGACY + "\n\ndef test_needs_what_is_missing():\n    raise ConnectionError('no Docker engine')\n"

# the legacy-import fixes these tests try need a testcontainers version (tclint offers none when unknown);
# pythonpath lets a project's own testcontainers/ package (OLD_LAYOUT) shadow the installed one under pytest
PINNED = '[project]\nname = "x"\ndependencies = ["testcontainers==4.15.0"]\n\n[tool.pytest.ini_options]\npythonpath = ["."]\n'


def verify(project, monkeypatch, capsys, *args: str) -> tuple[int, dict, str]:
    monkeypatch.chdir(project)
    code = main(["verify", "--output-format", "json", *args, "."])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def statuses(report: dict) -> dict[str, str]:
    return {fix["path"]: fix["status"] for fix in report["fixes"]}


def test_same_named_test_files_in_two_folders_are_tried_apart(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"pyproject.toml": PINNED, "tests/a/__init__.py": "", "tests/a/test_x.py": SEES_ITS_SOURCE,
                     "tests/b/__init__.py": "", "tests/b/test_x.py": BLIND})  # fmt: skip
    code, report, _ = verify(tmp_path, monkeypatch, capsys)
    assert code == 1
    assert statuses(report) == {"tests/a/test_x.py": "rejected", "tests/b/test_x.py": "kept"}
    assert report["fixes"][0]["failing_tests"] == ["tests/a/test_x.py::test_the_source_is_as_written"]
    assert (tmp_path / "tests/a/test_x.py").read_text() == SEES_ITS_SOURCE
    assert (tmp_path / "tests/b/test_x.py").read_text() == BLIND.replace(LEGACY, FIXED)


def test_a_fix_no_passing_test_can_judge_is_unverified_and_not_written(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"pyproject.toml": PINNED, "tests/test_down.py": FAILS})
    monkeypatch.chdir(tmp_path)
    assert main(["verify", "tests"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == ("unverified tests/test_down.py:4:5: TCL701 [legacy-testcontainers-import] "
                        "Import from `testcontainers.community.redis`")  # fmt: skip
    assert lines[1].startswith("suite before: 0 passed, 1 failed in ")
    assert lines[2:] == ["suite after:  not run (no fix was kept)",
                         "tests/test_down.py:4:5: TCL701 [legacy-testcontainers-import] `testcontainers.redis` moved to "
                         "`testcontainers.community.redis` in testcontainers 4.15: the old path warns"]  # fmt: skip
    assert err.startswith("tclint verify: WARNING: 1 fix was not verified and not written: no test that the fix can "
                          "affect passed before them (pytest said: 1 failed in ")  # fmt: skip
    assert (tmp_path / "tests/test_down.py").read_text() == FAILS


PYTEST_CHECKS = PINNED + 'python_files = ["test_*.py"]\n'  # in PINNED's [tool.pytest.ini_options]


def test_modules_pytest_would_not_collect_are_run_by_path(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"pyproject.toml": PYTEST_CHECKS, "tests/check_cache.py": BLIND, "tests/support.py": LEGACY,
                     "tests/test_elsewhere.py": "import not_installed_anywhere\n"})  # fmt: skip
    code, report, _ = verify(tmp_path, monkeypatch, capsys)
    # support.py defines no test: the test modules of its folder judge it (check_cache.py, which pytest would not
    # collect, passes; test_elsewhere.py cannot be imported)
    assert statuses(report) == {"tests/check_cache.py": "kept", "tests/support.py": "kept"}
    assert report["suite"]["before"] == {**report["suite"]["before"], "passed": 1, "failed": 1}
    assert (tmp_path / "tests/check_cache.py").read_text() == BLIND.replace(LEGACY, FIXED)
    assert (tmp_path / "tests/support.py").read_text() == FIXED and code == 0


FINDS_ITS_ROOT = LEGACY + (
    "from pathlib import Path\n\n\n"
    "def test_the_project_is_a_git_checkout():\n"
    "    assert (Path(__file__).parents[1] / '.git' / 'HEAD').is_file()\n"
)


def test_a_module_that_cannot_be_imported_does_not_keep_the_others_from_being_judged(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"pyproject.toml": PINNED, "tests/test_blind.py": BLIND,
                     "tests/test_other_service.py": "import not_installed_anywhere\n" + BLIND})  # fmt: skip
    code, report, _ = verify(tmp_path, monkeypatch, capsys)
    assert statuses(report) == {"tests/test_blind.py": "kept", "tests/test_other_service.py": "unverified"}
    assert (tmp_path / "tests/test_blind.py").read_text() == BLIND.replace(LEGACY, FIXED) and code == 1


# a stand-in testcontainers without the `community` package: the fixed import fails at collection
OLD_LAYOUT = {"testcontainers/__init__.py": "", "testcontainers/redis.py": "RedisContainer = object\n"}
IMPORTS_AT_RUN_TIME = "from testcontainers.redis import RedisContainer\n\n\ndef test_imports():\n    assert RedisContainer\n"


def test_a_fixed_module_that_no_longer_imports_is_rejected(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"pyproject.toml": PINNED, **OLD_LAYOUT, "tests/test_import.py": IMPORTS_AT_RUN_TIME,
                     "tests/test_blind.py": BLIND})  # fmt: skip
    code, report, _ = verify(tmp_path, monkeypatch, capsys)
    assert statuses(report) == {"tests/test_blind.py": "kept", "tests/test_import.py": "rejected"}
    assert (tmp_path / "tests/test_import.py").read_text() == IMPORTS_AT_RUN_TIME and code == 1


HELPER_PACKAGE = {"tests/__init__.py": "", "tests/support/__init__.py": ""}


@pytest.mark.parametrize(
    ("helper", "status"),
    [
        pytest.param(LEGACY + "RedisContainer = None\n", "kept", id="the-tests-that-import-it-still-pass"),
        pytest.param(IMPORTS_AT_RUN_TIME, "rejected", id="the-tests-that-import-it-fail"),
    ],
)
@pytest.mark.parametrize(
    "test_module",
    [
        pytest.param("def test_app():\n    assert containers\n", id="defined-by-def"),
        pytest.param("def _check():\n    assert containers\n\n\ntest_app = _check\n", id="bound-by-assignment"),
    ],
)
def test_a_fixed_helper_module_is_judged_by_the_tests_of_its_package(tmp_path, monkeypatch, capsys, helper, status,
                                                                     test_module):  # fmt: skip
    write(tmp_path, {"pyproject.toml": PINNED, **OLD_LAYOUT, **HELPER_PACKAGE, "tests/support/containers.py": helper,
                     "tests/test_app.py": "from tests.support import containers\n\n\n" + test_module})  # fmt: skip
    code, report, _ = verify(tmp_path, monkeypatch, capsys)
    assert statuses(report) == {"tests/support/containers.py": status}
    assert report["suite"]["before"] == {**report["suite"]["before"], "passed": 1, "failed": 0}


def test_suites_that_find_their_root_through_git_run_in_the_copy(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"pyproject.toml": PINNED, "tests/test_root.py": FINDS_ITS_ROOT})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    code, report, _ = verify(tmp_path, monkeypatch, capsys)
    assert code == 0 and statuses(report) == {"tests/test_root.py": "kept"}
    assert report["suite"]["before"]["passed"] == report["suite"]["after"]["passed"] == 1


def test_when_every_fix_is_rejected_only_the_run_before_is_reported(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"pyproject.toml": PINNED, "tests/test_a.py": SEES_ITS_SOURCE})
    code, report, _ = verify(tmp_path, monkeypatch, capsys)
    assert code == 1 and statuses(report) == {"tests/test_a.py": "rejected"}
    assert report["suite"]["before"]["passed"] == 1 and report["suite"]["after"] is None
    assert (tmp_path / "tests/test_a.py").read_text() == SEES_ITS_SOURCE


@pytest.mark.parametrize("path", [pytest.param("../elsewhere", id="outside"), pytest.param("/", id="root")])
def test_paths_outside_the_project_are_refused(tmp_path, monkeypatch, capsys, path):
    write(tmp_path, {"project/pyproject.toml": PINNED, "project/tests/test_a.py": BLIND})
    monkeypatch.chdir(tmp_path / "project")
    assert main(["verify", path]) == 2
    assert "outside the project" in capsys.readouterr().err


JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="tests.test_a" name="test_plain" file="tests/test_a.py" line="3" time="0.1" />
<testcase classname="tests.test_a.TestGroup" name="test_in_class" file="tests/test_a.py" line="8" time="0.1">
<failure message="assert 1 == 2">boom</failure></testcase>
<testcase classname="tests.sub.test_b" name="test_param[x]" file="tests/sub/test_b.py" line="1" time="0.1">
<error message="fixture failed" /></testcase>
<testcase classname="tests.sub.test_b" name="test_skipped" file="tests/sub/test_b.py" line="5" time="0">
<skipped message="no engine" /></testcase>
</testsuite></testsuites>"""


def test_junit_outcomes_by_test_id_without_skipped_tests(tmp_path):
    (tmp_path / "report.xml").write_text(JUNIT)
    assert parse_junit(tmp_path / "report.xml") == {
        "tests/test_a.py::test_plain": True,
        "tests/test_a.py::TestGroup::test_in_class": False,
        "tests/sub/test_b.py::test_param[x]": False,
    }
    assert parse_junit(tmp_path / "missing.xml") == {}


# a stand-in container whose state is a fresh folder per container: a table is a folder in it
TABLES_CONTAINER = {
    "testcontainers/__init__.py": "",
    "testcontainers/community/__init__.py": "",
    "testcontainers/community/redis.py": (
        "import pathlib\nimport tempfile\n\n\nclass RedisContainer:\n    def __init__(self, image):\n        self.image = image\n\n"
        "    def __enter__(self):\n        self.folder = pathlib.Path(tempfile.mkdtemp())\n        return self\n\n"
        "    def __exit__(self, *exc_info):\n        return None\n\n"
        "    def create_table(self, name):\n        (self.folder / name).mkdir()  # FileExistsError: it already exists\n"
    ),
}


def creates_table(test: str, table: str) -> str:
    return (f"from testcontainers.community.redis import RedisContainer\n\n\ndef test_{test}():\n"
            f"    with RedisContainer(\"redis:7-alpine\") as redis:\n        redis.create_table(\"{table}\")\n")  # fmt: skip


@pytest.mark.parametrize(
    ("tables", "status"),
    [
        pytest.param(("venues", "venues"), "rejected", id="both-modules-create-the-same-table"),
        pytest.param(("venues", "events"), "kept", id="each-module-creates-its-own"),
    ],
)
def test_a_container_shared_through_a_new_conftest_is_tried_as_one_unit(tmp_path, monkeypatch, capsys, tables, status):
    """Two modules start the same container: `--fix` moves it into the tests/conftest.py they share. Tried
    module by module, each would get a container of its own and pass; tried as `--fix` writes it, the
    second module's test finds the first one's table."""
    write(tmp_path, {"pyproject.toml": PINNED, **TABLES_CONTAINER, "tests/test_events.py": creates_table("events", tables[0]),
                     "tests/test_venues.py": creates_table("venues", tables[1])})  # fmt: skip
    code, report, _ = verify(tmp_path, monkeypatch, capsys)
    assert statuses(report) == {"tests/test_events.py": status, "tests/test_venues.py": status}
    assert (tmp_path / "tests/conftest.py").exists() == (status == "kept")
    if status == "kept":
        assert "def redis_container():" in (tmp_path / "tests/conftest.py").read_text()
        assert "def redis_container" not in (tmp_path / "tests/test_events.py").read_text()
    else:
        assert report["fixes"][0]["failing_tests"] == ["tests/test_venues.py::test_venues"] and code == 1
        assert (tmp_path / "tests/test_events.py").read_text() == creates_table("events", tables[0])
