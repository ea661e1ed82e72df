"""The wait_for_condition helper the waiting fixes write, in both forms, and the fixes that write it."""

from __future__ import annotations

import asyncio
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import write

from tclint.engine.wait_helper import helper_source
from tclint.runner import RunOptions, run
from tclint.settings import load_settings


@pytest.fixture
def helper(tmp_path):
    path = tmp_path / "wait.py"
    path.write_text(helper_source("    "))
    spec = importlib.util.spec_from_file_location("generated_wait", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def becomes_true_after(calls: int):
    seen = []

    def condition():
        seen.append(1)
        return len(seen) if len(seen) >= calls else 0

    return condition


def test_sync_form_returns_the_truthy_value(helper, monkeypatch):
    sleeps = []
    monkeypatch.setattr(helper.time, "sleep", sleeps.append)
    assert helper.wait_for_condition_sync(becomes_true_after(3), "three calls", timeout_ms=1000) == 3
    assert sleeps == [0.01, 0.01], "it polls every 10 ms, not every second"


def test_sync_form_times_out_with_the_description(helper):
    with pytest.raises(TimeoutError) as raised:
        helper.wait_for_condition_sync(lambda: False, "the moon to turn blue", timeout_ms=50)
    assert str(raised.value) == "Timeout waiting for the moon to turn blue after 50ms"


def test_async_form_with_sync_and_async_conditions(helper):
    async def scenario():
        assert await helper.wait_for_condition(becomes_true_after(2), "two calls", timeout_ms=1000) == 2
        flips = asyncio.Event()
        asyncio.get_running_loop().call_later(0.05, flips.set)

        async def async_condition():
            return "ready" if flips.is_set() else None

        assert await helper.wait_for_condition(async_condition, "the event", timeout_ms=1000) == "ready"
        with pytest.raises(TimeoutError) as raised:
            await helper.wait_for_condition(async_condition_never, "nothing", timeout_ms=30)
        assert str(raised.value) == "Timeout waiting for nothing after 30ms"

    async def async_condition_never():
        return False

    asyncio.run(scenario())


def assert_plain_pytest_passes(project: Path, tests: int) -> None:
    """`pytest` run as users run it (not `python -m pytest`, which puts the current folder on sys.path)."""
    pytest_command = Path(sys.executable).with_name("pytest")
    process = subprocess.run([str(pytest_command), "-q", "-p", "no:cacheprovider", "-p", "no:asyncio"], cwd=project,
                             capture_output=True, text=True)  # fmt: skip
    assert process.returncode == 0, process.stdout + process.stderr
    assert f"{tests} passed" in process.stdout, process.stdout


TEST_MODULE = """\
import threading
import time


def test_flag_is_set_eventually():
    flag = []
    threading.Timer(0.05, flag.append, args=[1]).start()
    time.sleep(1)
    assert flag
"""


def test_fix_writes_the_helper_once_and_the_fixed_suite_passes(project):
    write(project, {"tests/test_flag.py": TEST_MODULE, "tests/test_other.py": TEST_MODULE.replace("eventually", "too")})
    result = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert result.errors == [] and result.fixed == 2 and result.diagnostics == []
    assert sorted(result.created) == ["tests/test_utils/__init__.py", "tests/test_utils/wait.py"]
    assert (project / "tests/test_utils/wait.py").read_text() == helper_source("    ")
    fixed = (project / "tests/test_flag.py").read_text()
    assert fixed.startswith("import threading\n\nfrom test_utils import wait_for_condition_sync\n\n\n"), "pytest puts tests/ on sys.path"
    assert "wait_for_condition_sync(lambda: flag, \"flag\", timeout_ms=5000)\n" in fixed
    assert_plain_pytest_passes(project, 2)
    again = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert again.diagnostics == [] and again.created == [], "the helper module itself is not reported"


def test_existing_helper_is_imported_not_overwritten(project):
    mine = "def wait_for_condition_sync(condition, description, timeout_ms=5000):\n    return condition()\n"
    write(project, {"tests/test_utils/wait.py": mine, "tests/test_flag.py": TEST_MODULE})
    result = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert result.created == [], "no file is written, not even an __init__.py into the user's folder"
    assert (project / "tests/test_utils/wait.py").read_text() == mine
    assert "from test_utils.wait import wait_for_condition_sync\n" in (project / "tests/test_flag.py").read_text()


def test_helper_module_and_indentation_follow_the_project(project):
    tabbed = TEST_MODULE.replace("    ", "\t")
    write(project, {"pyproject.toml": '[tool.tclint]\nwait-helper = "tests/support/waiting.py"\n', "tests/test_flag.py": tabbed})
    run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert (project / "tests/support/waiting.py").read_text() == helper_source("\t")
    assert "from support import wait_for_condition_sync\n" in (project / "tests/test_flag.py").read_text()
    assert "from .waiting import" in (project / "tests/support/__init__.py").read_text()
    assert_plain_pytest_passes(project, 1)


def test_diff_shows_the_new_helper_and_writes_nothing(project):
    write(project, {"tests/test_flag.py": TEST_MODULE})
    result = run(["."], load_settings(None, project), RunOptions(diff=True, unsafe=True, cache=False))
    assert any(diff.startswith("--- /dev/null\n+++ b/tests/test_utils/wait.py\n") for diff in result.diffs)
    assert not (project / "tests/test_utils").exists()


def test_a_helper_package_never_shadows_an_existing_module(project):
    mine = "def make_user():\n    return {}\n"
    user = "from tests.test_utils import make_user\n\n\ndef test_user():\n    assert make_user() == {}\n"
    write(project, {"tests/__init__.py": "", "tests/test_utils.py": mine, "tests/test_flag.py": TEST_MODULE, "tests/test_user.py": user})
    result = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert result.created == ["tests/waiting.py"]
    assert not (project / "tests/test_utils").exists() and (project / "tests/test_utils.py").read_text() == mine
    assert "from tests.waiting import wait_for_condition_sync\n" in (project / "tests/test_flag.py").read_text()
    assert_plain_pytest_passes(project, 2)


def test_the_projects_own_helpers_are_reused(project):
    mine = (
        "async def wait_for_condition(condition, description, timeout_ms=5000, poll_interval_ms=10):\n    return condition()\n\n\n"
        "def wait_for_condition_sync(condition, description, timeout_ms=5000, poll_interval_ms=10):\n    return condition()\n"
    )
    write(project, {"tests/support/polling.py": mine, "tests/test_flag.py": TEST_MODULE})
    result = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert result.created == [] and result.fixed == 1
    assert "from support.polling import wait_for_condition_sync\n" in (project / "tests/test_flag.py").read_text()


def test_the_helper_goes_into_the_project_of_the_file_fixed(tmp_path, monkeypatch):
    write(tmp_path, {"other/pyproject.toml": '[project]\nname = "other"\n', "app/pyproject.toml": '[project]\nname = "app"\n',
                     "app/tests/test_flag.py": TEST_MODULE})  # fmt: skip
    monkeypatch.chdir(tmp_path / "other")
    result = run(["../app"], load_settings(None, tmp_path / "other"), RunOptions(fix=True, unsafe=True, cache=False))
    assert result.fixed == 1 and not (tmp_path / "other/tests").exists()
    created = sorted(Path(path).resolve() for path in result.created)
    assert created == [tmp_path / "app/tests/test_utils/__init__.py", tmp_path / "app/tests/test_utils/wait.py"]
    assert_plain_pytest_passes(tmp_path / "app", 1)


USER_MODULE = "def make_user():\n    return {}\n"
USES_USER_MODULE = "from test_utils import make_user\n\n\ndef test_user():\n    assert make_user() == {}\n"
PYTHONPATH = '[tool.pytest.ini_options]\npythonpath = ["."]\n'


@pytest.mark.parametrize(("files", "imports", "created", "passed"), [
    pytest.param({"tests/test_flag.py": TEST_MODULE}, {"tests/test_flag.py": "from test_utils import"},
                 ["tests/test_utils/__init__.py", "tests/test_utils/wait.py"], 1, id="tests-folder-on-sys-path"),
    pytest.param({"tests/__init__.py": "", "tests/test_flag.py": TEST_MODULE}, {"tests/test_flag.py": "from tests.test_utils import"},
                 ["tests/test_utils/__init__.py", "tests/test_utils/wait.py"], 1, id="tests-package-project-root-on-sys-path"),
    pytest.param({"pyproject.toml": PYTHONPATH, "tests/test_flag.py": TEST_MODULE}, {"tests/test_flag.py": "from tests.test_utils import"},
                 ["tests/test_utils/__init__.py", "tests/test_utils/wait.py"], 1, id="pythonpath-setting"),
    pytest.param({"pyproject.toml": PYTHONPATH + 'addopts = "--import-mode=importlib"\n', "tests/test_flag.py": TEST_MODULE},
                 {"tests/test_flag.py": "from tests.test_utils import"}, ["tests/test_utils/__init__.py", "tests/test_utils/wait.py"], 1,
                 id="importlib-mode-with-pythonpath"),
    pytest.param({"tests/unit/test_a.py": TEST_MODULE, "tests/integration/test_b.py": TEST_MODULE.replace("eventually", "too")},
                 {"tests/unit/test_a.py": "from wait_helpers import", "tests/integration/test_b.py": "from wait_helpers import"},
                 ["tests/integration/wait_helpers.py", "tests/unit/wait_helpers.py"], 2, id="folders-apart-each-gets-a-module-beside"),
    pytest.param({"tests/test_flag.py": TEST_MODULE, "tests/unit/test_utils.py": USER_MODULE, "tests/unit/test_user.py": USES_USER_MODULE},
                 {"tests/test_flag.py": "from wait_helpers import"}, ["tests/wait_helpers.py"], 2, id="top-level-name-taken-elsewhere"),
])  # fmt: skip
def test_the_helper_import_resolves_under_plain_pytest(project, files, imports, created, passed):
    write(project, files)
    result = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert result.errors == [] and result.diagnostics == []
    assert sorted(result.created) == created
    for path, line in imports.items():
        assert f"{line} wait_for_condition_sync\n" in (project / path).read_text()
    for path, text in files.items():
        if path not in imports:
            assert (project / path).read_text() == text
    assert_plain_pytest_passes(project, passed)
    ruff = subprocess.run([str(Path(sys.executable).with_name("ruff")), "check", "--no-cache", "--select", "F,I", "."], cwd=project,
                          capture_output=True, text=True)  # fmt: skip
    assert ruff.returncode == 0, ruff.stdout
    again = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert again.diagnostics == [] and again.created == []


def test_importlib_mode_without_pythonpath_gets_no_fix(project):
    write(project, {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--import-mode=importlib"\n', "tests/test_flag.py": TEST_MODULE})
    result = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert result.fixed == 0 and result.created == [] and [d.name for d in result.diagnostics] == ["sleep-in-test"]
    assert (project / "tests/test_flag.py").read_text() == TEST_MODULE
