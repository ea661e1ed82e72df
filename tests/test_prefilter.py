"""The prefilter: files no enabled rule can match are not parsed, and files that can are."""

from __future__ import annotations

import pytest
from helpers import write

from tclint.runner import RunOptions, run
from tclint.settings import load_settings

ORDINARY = '''import pytest
from unittest import mock

from app import create_app, db


@pytest.fixture
def client(base_url, app_config):
    return create_app(app_config).test_client(base_url)


def test_report_port(client):
    with mock.patch("sqlalchemy.orm.Session.commit"):
        assert client.get("/health?port=8080").status_code == 200
'''

CONFTEST = '''import pytest
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def cache():
    with RedisContainer("redis:7.2-alpine") as redis:
        yield redis
'''

CLIENT_OVER_CONFTEST_FIXTURE = '''import pytest
import redis


@pytest.fixture
def client(cache):
    return redis.Redis(**cache.connection_kwargs())
'''

MOCK_FIXTURE = '''import pytest
from unittest.mock import MagicMock


@pytest.fixture
def mock_redis():
    return MagicMock()
'''


def lint(project):
    return run(["."], load_settings(None, project), RunOptions(cache=False, jobs=1))


def test_ordinary_test_code_with_fixtures_mocks_urls_and_ports_is_not_parsed(project, parsed):
    write(project, {"tests/test_app.py": ORDINARY})
    result = lint(project)
    assert (parsed, result.diagnostics, result.errors) == ([], [], [])


def test_a_container_fixture_of_a_conftest_above_makes_a_file_worth_parsing(project, parsed):
    write(project, {"tests/conftest.py": CONFTEST, "tests/test_cache.py": CLIENT_OVER_CONFTEST_FIXTURE})
    result = lint(project)
    assert "tests/test_cache.py" in parsed
    assert [(d.path, d.code) for d in result.diagnostics] == [("tests/test_cache.py", "TCL201")]


def test_the_same_file_without_the_container_fixture_is_not_parsed(project, parsed):
    write(project, {"tests/test_cache.py": CLIENT_OVER_CONFTEST_FIXTURE})
    assert lint(project).diagnostics == [] and parsed == []


@pytest.mark.parametrize(("path", "reported"), [("tests/integration/conftest.py", True), ("tests/unit/test_x.py", False)])
def test_an_integration_folder_in_the_path_counts_for_mocked_infrastructure(project, parsed, path, reported):
    write(project, {path: MOCK_FIXTURE})
    result = lint(project)
    assert [d.code for d in result.diagnostics] == (["TCL501"] if reported else [])
    assert (path in parsed) == reported or path.endswith("conftest.py")


PLAIN = "def test_add():\n    assert 1 + 1 == 2\n"


@pytest.mark.parametrize(
    ("test_file", "parsed_paths"),
    [
        # the conftest.py above is read only when the file names one of its fixtures (bench/run.py's
        # "one file, no rule can match" parsed it, and imported libcst, to learn that it did not)
        pytest.param(PLAIN, [], id="names-none-of-its-fixtures"),
        pytest.param(CLIENT_OVER_CONFTEST_FIXTURE, ["tests/conftest.py", "tests/test_cache.py"], id="names-one"),
    ],
)
def test_one_file_below_a_conftest_with_a_container_fixture(project, parsed, test_file, parsed_paths):
    write(project, {"tests/conftest.py": CONFTEST, "tests/test_cache.py": test_file})
    run(["tests/test_cache.py"], load_settings(None, project), RunOptions(cache=False, jobs=1))
    assert [path.replace(str(project) + "/", "") for path in parsed] == parsed_paths
