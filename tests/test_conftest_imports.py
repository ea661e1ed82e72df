"""Fixtures a conftest.py imports from project modules (by name or with `*`, through re-exporting
modules) are fixtures of that conftest.py: every test below its folder sees them. Followed through
cached runs, an edit of the imported module between runs, and a start from another folder."""

from __future__ import annotations

import os

import pytest
from helpers import DATABASE_FIXTURES, SESSION_UNIT_TEST, tclint, write

DATABASE = DATABASE_FIXTURES + '\n\ndef make_user(name):\n    return {"name": name}\n'
WITHOUT_CONTAINER = """\
import pytest


@pytest.fixture(scope="session")
def postgres_container():
    return "sqlite://"


@pytest.fixture
def session(postgres_container):
    return postgres_container
"""
OWN_FIXTURE_OVER_AN_IMPORTED_ONE = """\
import pytest

from tests.shared.database import postgres_container


@pytest.fixture
def session(postgres_container):
    return postgres_container
"""
FOUND = (
    "tests/unit/test_orders.py:1:5: TCL503 [testcontainers-in-unit-tests] Unit test `test_orders` requests the "
    "fixture `session`, which starts a `PostgresContainer`: unit tests should not need Docker (move it to the "
    "integration tests)"
)


def project(root, conftest: str, test: str = SESSION_UNIT_TEST, fixtures: str = DATABASE):
    write(root, {"tests/__init__.py": "", "tests/shared/__init__.py": "", "tests/shared/database.py": fixtures,
                 "tests/unit/__init__.py": "", "tests/unit/conftest.py": conftest, "tests/unit/test_orders.py": test})  # fmt: skip
    return root


def reported(*paths: str) -> list[str]:
    code, out, err = tclint("check", "--select", "TCL503", "--output-format", "concise", *paths)
    assert err == "" and code in (0, 1), err
    return [line for line in out.splitlines() if "TCL503" in line and "[testcontainers-in-unit-tests]" in line]


@pytest.mark.parametrize(
    "conftest",
    [
        pytest.param("from tests.shared.database import postgres_container, session\n", id="absolute-by-name"),
        pytest.param("from tests.shared.database import *\n", id="absolute-star"),
        pytest.param("from ..shared.database import session, postgres_container\n", id="relative-by-name"),
        pytest.param("from ..shared.database import *  # noqa: F403\n", id="relative-star"),
        pytest.param("from tests.shared.reexport import *\n", id="through-a-re-exporting-module"),
        pytest.param(OWN_FIXTURE_OVER_AN_IMPORTED_ONE, id="its-own-fixture-over-an-imported-one"),
    ],
)
def test_a_unit_test_sees_the_fixtures_its_conftest_imports(tmp_path, monkeypatch, conftest):
    monkeypatch.chdir(project(tmp_path, conftest))
    write(tmp_path, {"tests/shared/reexport.py": "from tests.shared.database import session, postgres_container\n"})
    assert reported(".") == [FOUND]


@pytest.mark.parametrize(
    "conftest, test",
    [
        pytest.param("from tests.shared.database import make_user\n", "def test_orders(make_user):\n    assert make_user\n", id="a-helper-that-is-not-a-fixture"),
        pytest.param("from tests.shared.database import make_user\n", SESSION_UNIT_TEST, id="a-fixture-not-imported"),
        pytest.param("", "from tests.shared.database import session\n\n\n" + SESSION_UNIT_TEST, id="imported-by-the-test-module"),
        pytest.param("from tests.shared import database\n", SESSION_UNIT_TEST, id="the-module-itself"),
    ],
)
def test_near_misses(tmp_path, monkeypatch, conftest, test):
    monkeypatch.chdir(project(tmp_path, conftest, test))
    assert reported(".") == []


PRIVATE_CONTAINER_FIXTURE = DATABASE.replace(
    '@pytest.fixture(scope="session")\ndef postgres_container():', '@pytest.fixture(scope="session", name="postgres_container")\ndef _postgres_container():'
)


@pytest.mark.parametrize(
    "fixtures, found",
    [
        pytest.param('__all__ = ["session", "postgres_container"]\n' + DATABASE, [FOUND], id="listed-in-all"),
        pytest.param('__all__ = ["session"]\n__all__ += ["postgres_container"]\n' + DATABASE, [FOUND], id="all-extended"),
        pytest.param('__all__ = ("session", "make_user")\n' + DATABASE, [], id="container-fixture-left-out-of-all"),
        pytest.param('__all__ = ["make_user"]\n' + DATABASE, [], id="every-fixture-left-out-of-all"),
        pytest.param(PRIVATE_CONTAINER_FIXTURE, [], id="private-function-name"),
        pytest.param('__all__ = ["session", "_postgres_container"]\n' + PRIVATE_CONTAINER_FIXTURE, [FOUND], id="private-name-listed-in-all"),
    ],
)
def test_a_star_import_binds_what_all_lists_else_the_public_names(tmp_path, monkeypatch, fixtures, found):
    monkeypatch.chdir(project(tmp_path, "from tests.shared.database import *\n", fixtures=fixtures))
    assert reported(".") == found


def test_a_private_fixture_imported_by_name_is_a_conftest_fixture(tmp_path, monkeypatch):
    conftest = "from tests.shared.database import _postgres_container, session\n"
    monkeypatch.chdir(project(tmp_path, conftest, fixtures=PRIVATE_CONTAINER_FIXTURE))
    assert reported(".") == [FOUND]


def test_a_test_module_importing_fixtures_is_not_a_conftest(tmp_path, monkeypatch):
    """A test module's import registers the fixtures for that module alone (TCL104 counts it); the index
    lends them to no other file, and the rules treat them as before."""
    monkeypatch.chdir(project(tmp_path, "", "from tests.shared.database import *\n\n\n" + SESSION_UNIT_TEST))
    _, out, _ = tclint("check", "--select", "TCL503,TCL104", "--output-format", "concise", ".")
    assert [line for line in out.splitlines() if line.startswith("tests/")] == []


def test_cached_runs_follow_an_edit_of_the_imported_module(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path, "from tests.shared.database import *\n"))
    assert reported(".") == [FOUND]
    assert reported(".") == [FOUND]  # from the cache
    (tmp_path / "tests/shared/database.py").write_text(WITHOUT_CONTAINER)
    assert reported(".") == []
    (tmp_path / "tests/shared/database.py").write_text(DATABASE)
    assert reported(".") == [FOUND]


def test_one_file_linted_alone(tmp_path, monkeypatch):
    """The conftest.py and the module it imports are read for their facts, not linted."""
    monkeypatch.chdir(project(tmp_path, "from tests.shared.database import session, postgres_container\n"))
    assert reported("tests/unit/test_orders.py") == [FOUND]


def test_started_from_another_folder(tmp_path, monkeypatch):
    project(tmp_path / "service", "from ..shared.database import *\n")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    found = reported(os.path.join("..", "service"))
    shown = (tmp_path / "service" / "tests" / "unit" / "test_orders.py").as_posix()
    assert found == [FOUND.replace("tests/unit/test_orders.py", shown)]


def test_cached_runs_follow_an_edit_of_the_conftest_above(tmp_path, monkeypatch):
    """A unit test left unparsed (its conftest.py starts nothing) is linted again once the conftest.py does."""
    monkeypatch.chdir(project(tmp_path, "from tests.shared.database import make_user\n"))
    assert reported(".") == []
    (tmp_path / "tests/unit/conftest.py").write_text("from tests.shared.database import session, postgres_container\n")
    assert reported(".") == [FOUND]
