"""`tclint verify` against real containers: it keeps the fixes the suite passes with, rejects exactly
the one that breaks it, and changes nothing when it runs out of time. Counting containers and removing
them after a timeout is tested on a plain install (no `docker` package), as users have it."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import harness
import pytest
from helpers import write


def verify(project, *args):
    return harness.tclint(project, "verify", "--output-format", "json", *args, ".")


@pytest.fixture(scope="module")
def plain_install(tmp_path_factory):
    """tclint as `pip install` without extras installs it: no `docker` package."""
    venv = tmp_path_factory.mktemp("plain") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", str(harness.ROOT)], check=True, capture_output=True)
    assert subprocess.run([python, "-c", "import docker"], capture_output=True).returncode == 1, "docker is not installed"
    return python


def verify_installed(python, project, *args):
    """`tclint verify` from the plain install; the project's tests run with this interpreter (it has them)."""
    return subprocess.run([python, "-m", "tclint", "verify", "--python", sys.executable, "--output-format", "json", *args, "."],
                          cwd=project, capture_output=True, text=True, env=harness.environment(), timeout=300)  # fmt: skip


def test_verify_keeps_every_correct_fix(docker_client, plain_install, tmp_path):
    project = harness.copy_project("redis_locks", tmp_path)
    process = verify_installed(plain_install, project)
    assert process.returncode == 0, process.stdout + process.stderr
    report = json.loads(process.stdout)
    assert [fix["status"] for fix in report["fixes"]] == ["kept"] * 5
    assert harness.tree(project) == harness.expected_tree("redis_locks"), "the kept fixes are exactly --fix's"
    before, after = report["suite"]["before"], report["suite"]["after"]
    assert before["failed"] == after["failed"] == 0 and before["passed"] == after["passed"] == 5
    assert before["containers"] == {"redis:7-alpine": 5} and after["containers"] == {"redis:7-alpine": 1}


def test_verify_rejects_exactly_the_fix_the_suite_cannot_take(docker_client, tmp_path):
    project = harness.copy_project("fresh_data_suite", tmp_path)
    original = (project / "tests/conftest.py").read_text()
    process = verify(project)
    assert process.returncode == 1, "the rejected diagnostic remains"
    report = json.loads(process.stdout)
    statuses = {(fix["path"], fix["name"]): (fix["status"], fix["failing_tests"]) for fix in report["fixes"]}
    assert statuses == {
        ("tests/conftest.py", "legacy-testcontainers-import"): ("kept", []),
        ("tests/conftest.py", "function-scoped-container-fixture"): (
            "rejected", ["tests/test_counters.py::test_every_test_starts_without_counters"]),
        ("tests/test_counters.py", "sleep-in-test"): ("kept", []),
    }  # fmt: skip
    conftest = (project / "tests/conftest.py").read_text()
    assert conftest == original.replace("from testcontainers.redis", "from testcontainers.community.redis")
    assert "wait_for_condition_sync(" in (project / "tests/test_counters.py").read_text()
    assert sorted(report["written"]) == ["tests/conftest.py", "tests/test_counters.py",
                                         "tests/test_utils/__init__.py", "tests/test_utils/wait.py"]  # fmt: skip


def test_verify_dry_run_and_the_fix_spelling_write_nothing(docker_client, tmp_path):
    project = harness.copy_project("unittest_suite", tmp_path)
    before = harness.tree(project)
    report = json.loads(verify(project, "--dry-run").stdout)
    assert [fix["status"] for fix in report["fixes"]] == ["kept", "kept"] and report["written"] == []
    assert harness.tree(project) == before
    spelled = harness.tclint(project, "--fix", "--verify", "--output-format", "json", ".")
    assert json.loads(spelled.stdout)["written"] == ["tests/test_cache.py"]


HANGS = {
    "pyproject.toml": '[dependency-groups]\ntest = ["testcontainers[redis]==4.15.0"]\n',  # a known version: the import fix exists
    "tests/conftest.py": "import pytest\nfrom testcontainers.redis import RedisContainer\n\n\n"
                         "@pytest.fixture(scope='session')\ndef redis_container():\n"
                         "    with RedisContainer('redis:7-alpine') as redis:\n        yield redis\n",
    "tests/test_hangs.py": "import threading\n\n\ndef test_waits_forever(redis_container):\n    threading.Event().wait()\n",
}  # fmt: skip


def test_verify_stops_at_the_time_limit_removes_its_containers_and_changes_nothing(docker_client, plain_install, tmp_path):
    write(tmp_path, HANGS)
    before = harness.tree(tmp_path)
    since = int(time.time())
    process = verify_installed(plain_install, tmp_path, "--timeout", "30")
    assert process.returncode == 2
    assert process.stderr == "tclint: error: verify stopped: the tests ran past the time limit (30 s); nothing was changed\n"
    assert harness.tree(tmp_path) == before
    assert harness.containers_created(docker_client, since, int(time.time()) + 1) == {"redis:7-alpine": 1}
    leftovers = docker_client.containers.list(all=True, filters={"label": "org.testcontainers=true"})
    assert leftovers == [], "the containers of the stopped run are removed"


def test_the_server_on_a_plain_install_names_the_extra_it_needs(plain_install, tmp_path):
    process = subprocess.run([plain_install, "-m", "tclint", "server"], cwd=tmp_path, capture_output=True, text=True,
                             stdin=subprocess.DEVNULL, timeout=60)  # fmt: skip
    assert process.returncode == 2
    assert process.stderr.startswith(
        "tclint: error: `tclint server` needs the server extra: pip install 'tclint-testcontainers[server]' (")
