"""The proof: every fixtures_corpus suite passes against real containers before and after
`tclint --fix --unsafe-fixes`, the fix is exactly the expected one, and the fixed suites start one
container per session-scoped service. The teeth: an incomplete fix (scope widened, no cleanup) is
caught by the real-container run."""

from __future__ import annotations

from dataclasses import dataclass

import harness
import pytest
from helpers import write


@dataclass(frozen=True)
class Expectation:
    after: dict[str, int]  # containers the fixed suite creates, by image
    fewer: bool  # the fix cuts the number of containers (else it keeps it)


EXPECTATIONS = {
    "redis_locks": Expectation({"redis:7-alpine": 1}, fewer=True),
    "postgres_repository": Expectation({"postgres:16.0-alpine": 1}, fewer=True),
    "fastapi_users_api": Expectation({"postgres:16-alpine": 2, "redis:7.2-alpine": 1}, fewer=True),
    "http_client_retries": Expectation({"nginx:1.25-alpine": 1}, fewer=False),
    "aws_queue_worker": Expectation({"localstack/localstack:3.0.2": 2}, fewer=False),
    "unittest_suite": Expectation({"redis:7-alpine": 1}, fewer=True),
    "clean_suite": Expectation({"redis:7.2-alpine": 1}, fewer=False),
    "git_rooted_suite": Expectation({"redis:7-alpine": 1}, fewer=True),  # two modules' tests share one Redis (tests/conftest.py)
    "votes_tables": Expectation({"postgres:16-alpine": 2}, fewer=True),  # one for the votes tests of both modules (the fixture placed in tests/conftest.py), one for reporting_db
    "ledger_entries": Expectation({"postgres:16-alpine": 1}, fewer=True),
}
# a test that relies on clean state, and fails when the container is shared without cleanup
TEETH = {
    "redis_locks": "tests/test_locks.py::test_starts_with_an_empty_database",
    "postgres_repository": "tests/test_repository.py::test_starts_empty",
}


@dataclass
class Outcome:
    name: str
    check: object
    before: harness.SuiteRun
    fix: object
    fixed_tree: dict
    refix: object
    refixed_tree: dict
    after: harness.SuiteRun


def test_every_corpus_project_has_an_expectation():
    assert sorted(EXPECTATIONS) == harness.projects()


@pytest.fixture(scope="module", params=harness.projects())
def outcome(request, docker_client, tmp_path_factory) -> Outcome:
    name = request.param
    base = tmp_path_factory.mktemp(name)
    original = harness.copy_project(name, base / "original")
    check = harness.tclint(original, "check", "--no-cache", "-q", "--output-format", "concise", ".")
    before = harness.run_suite(original, docker_client)
    fixed = harness.copy_project(name, base / "fixed")
    fix = harness.tclint(fixed, "check", "--no-cache", "--fix", "--unsafe-fixes", ".")
    fixed_tree = harness.tree(fixed)
    refix = harness.tclint(fixed, "check", "--no-cache", "--fix", "--unsafe-fixes", ".")
    refixed_tree = harness.tree(fixed)
    after = harness.run_suite(fixed, docker_client)
    return Outcome(name, check, before, fix, fixed_tree, refix, refixed_tree, after)


def test_check_reports_exactly_the_expected_diagnostics(outcome):
    assert outcome.check.stderr == ""
    assert outcome.check.stdout == harness.expected_diagnostics(outcome.name)
    assert outcome.check.returncode == (1 if outcome.check.stdout else 0)


def test_fix_produces_exactly_the_expected_tests(outcome):
    assert outcome.fix.returncode in (0, 1), outcome.fix.stderr
    assert outcome.fixed_tree == harness.expected_tree(outcome.name)


def test_a_second_fix_changes_nothing(outcome):
    assert outcome.refixed_tree == outcome.fixed_tree
    summary = outcome.refix.stdout.splitlines()[-1]
    assert summary == "All checks passed!" or "(0 fixed," in summary, summary


def test_the_original_suite_passes_against_real_containers(outcome):
    assert outcome.before.passed, outcome.before.output[-3000:]


def test_the_fixed_suite_passes_against_real_containers(outcome):
    assert outcome.after.passed, outcome.after.output[-3000:]


def test_the_fixed_suite_starts_one_container_per_session_service(outcome):
    expectation = EXPECTATIONS[outcome.name]
    assert dict(outcome.after.containers) == expectation.after
    before, after = sum(outcome.before.containers.values()), sum(outcome.after.containers.values())
    assert after < before if expectation.fewer else after == before


@pytest.mark.parametrize("name", sorted(TEETH))
def test_an_incomplete_fix_is_caught_by_the_real_containers(name, docker_client, tmp_path):
    project = harness.copy_project(name, tmp_path)
    widened = harness.tclint(project, "check", "--no-cache", "--fix", "--unsafe-fixes",
                             "--select", "function-scoped-container-fixture", ".")  # fmt: skip
    assert "1 fixed" in widened.stdout, widened.stdout + widened.stderr
    run = harness.run_suite(project, docker_client)
    assert not run.passed, "sharing the container without cleaning up must fail a test that needs clean state"
    assert f"FAILED {TEETH[name]}" in run.output


def test_the_per_test_cleanup_is_what_keeps_the_shared_votes_container_passing(docker_client, tmp_path):
    """votes_tables' tests each create table `votes`: sharing one container holds only because the fix's
    per-test fixture drops the table after each test; without those lines the next test finds it."""
    project = harness.copy_project("votes_tables", tmp_path)
    harness.tclint(project, "check", "--no-cache", "--fix", "--unsafe-fixes", ".")
    votes = project / "tests/test_votes.py"
    lines = votes.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "dropped" not in line]
    assert len(lines) - len(kept) == 2, "the cleanup: the psql DROP TABLE and the check of its exit code"
    votes.write_text("".join(kept), encoding="utf-8")
    run = harness.run_suite(project, docker_client)
    assert not run.passed and "DuplicateTable" in run.output, run.output[-3000:]


def test_the_per_test_row_cleanup_is_what_keeps_the_shared_ledger_passing(docker_client, tmp_path):
    """ledger_entries' tests insert into tables its container fixture creates and seeds: sharing one
    container holds only because the per-test fixture deletes the rows each test inserted (the seeded
    ones stay); without those lines a later test finds another's account."""
    project = harness.copy_project("ledger_entries", tmp_path)
    harness.tclint(project, "check", "--no-cache", "--fix", "--unsafe-fixes", ".")
    entries = project / "tests/test_entries.py"
    lines = entries.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "marked" not in line and "cleaned" not in line]
    assert len(lines) - len(kept) == 4, "the transaction id read before the test, the psql DELETE, and the checks of their exit codes"
    entries.write_text("".join(kept), encoding="utf-8")
    run = harness.run_suite(project, docker_client)
    assert not run.passed and "FAILED tests/test_entries.py::test_a_new_account_starts_at_zero" in run.output, run.output[-3000:]


SPLIT_PROJECT = {
    "pyproject.toml": '[project]\nname = "cache"\ndependencies = ["testcontainers==4.15.0"]\n',
    "tests/__init__.py": "",
    "tests/test_cache.py": (
        "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n"
        "@pytest.fixture\ndef redis_container():\n    with RedisContainer(\"redis:7-alpine\") as redis:\n        yield redis\n\n\n"
        "def test_a_key_is_set(redis_container):\n    client = redis_container.get_client()\n    client.set(\"k\", \"v\")\n"
        "    assert client.dbsize() == 1\n\n\n"
        "def test_starts_empty(redis_container):\n    assert redis_container.get_client().dbsize() == 0\n"
    ),
}


def test_a_fixture_split_into_session_and_per_test_cleanup_keeps_the_suite_passing(docker_client, tmp_path):
    """function-scoped-container-fixture on tests that set Redis keys: one container for both tests, and
    the second still starts with an empty database (the per-test fixture flushes)."""
    write(tmp_path, SPLIT_PROJECT)
    before = harness.run_suite(tmp_path, docker_client)
    fixed = harness.tclint(tmp_path, "check", "--no-cache", "--fix", "--unsafe-fixes", ".")
    assert "(1 fixed, 0 remaining)" in fixed.stdout, fixed.stdout + fixed.stderr
    assert "def redis_container(redis_container_session):" in (tmp_path / "tests/test_cache.py").read_text()
    after = harness.run_suite(tmp_path, docker_client)
    assert before.passed and after.passed, after.output[-3000:]
    assert (before.containers, after.containers) == ({"redis:7-alpine": 2}, {"redis:7-alpine": 1})
