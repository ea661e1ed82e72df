"""A project on testcontainers 3.x: fixtures_corpus/orders_tc3 pins 3.7.1 in the poetry.lock of its
`service/` folder, not at the repository's root. tclint, run from the root, reads that version for the
service's tests: the fix shares the container (with its per-test cleanup) and leaves `user=`,
`POSTGRES_USER` and `testcontainers.postgres` as 3.7.1 needs them, and the suite, before and after,
passes under 3.7.1 in a venv of its own."""

from __future__ import annotations

import subprocess
import sys

import harness
import pytest

TESTCONTAINERS_3 = ("testcontainers[postgres]==3.7.1", "pytest", "sqlalchemy", "psycopg2-binary")


@pytest.fixture(scope="module")
def python_3x(tmp_path_factory) -> str:
    venv = tmp_path_factory.mktemp("testcontainers-3") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    installed = subprocess.run([python, "-m", "pip", "install", "-q", *TESTCONTAINERS_3], capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return python


def test_the_3x_api_stays_and_the_fixed_suite_passes_under_3x(docker_client, python_3x, tmp_path):
    project = harness.copy_project("orders_tc3", tmp_path)
    test_file = project / "service/tests/test_orders.py"
    original = test_file.read_text(encoding="utf-8")
    before = harness.run_suite(project, docker_client, python=python_3x, testcontainers_3=True)
    fix = harness.tclint(project, "check", "--no-cache", "--fix", "--unsafe-fixes", ".")
    assert fix.stdout.splitlines()[-1] == "Found 2 problems (2 fixed, 0 remaining)", fix.stdout + fix.stderr
    fixed = test_file.read_text(encoding="utf-8")
    assert fixed != original
    for kept in ('user="orders"', ".POSTGRES_USER", "from testcontainers.postgres import PostgresContainer"):
        assert kept in original and kept in fixed, kept
    after = harness.run_suite(project, docker_client, python=python_3x, testcontainers_3=True)
    assert before.passed, before.output[-3000:]
    assert after.passed, after.output[-3000:]
    assert (before.containers, after.containers) == ({"postgres:16-alpine": 2}, {"postgres:16-alpine": 1})
