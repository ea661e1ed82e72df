"""container-fixture-duplicated across modules: a session container fixture that pytest registers in
several modules (each import is a fixture of its own), followed through runs with the cache, edits
between them, and a start from another folder."""

from __future__ import annotations

import os

from helpers import tclint, write

FIXTURE_MODULE = """\
import pytest
from testcontainers.postgres import PostgresContainer


@pytest.fixture(scope="session")
def postgres():
    with PostgresContainer("postgres:16.4") as postgres:
        yield postgres
"""
USES = "from tests.fixtures.db import *\n\n\ndef test_{name}(postgres):\n    assert postgres\n"
IGNORES = "from tests.fixtures.db import *\n\n\ndef test_{name}():\n    assert True\n"
RE_EXPORTS = "from tests.fixtures.db import *  # the users' fixtures, with the database they need\n"
THROUGH_RE_EXPORT = "from tests.fixtures.users import *\n\n\ndef test_{name}(postgres):\n    assert postgres\n"


def project(tmp_path, modules: dict[str, str]):
    write(tmp_path, {"tests/__init__.py": "", "tests/fixtures/__init__.py": "", "tests/fixtures/db.py": FIXTURE_MODULE, **modules})
    return tmp_path


def reported(*args: str) -> list[str]:
    code, out, err = tclint("check", "--select", "TCL104", "--output-format", "concise", *args)
    assert err == "" and code in (0, 1), err
    return [line for line in out.splitlines() if "TCL104" in line]


def test_two_modules_that_use_the_imported_fixture(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path, {"tests/test_orders.py": USES.format(name="orders"),
                                         "tests/test_users.py": USES.format(name="users")}))  # fmt: skip
    assert reported(".") == [
        "tests/fixtures/db.py:5:1: TCL104 [container-fixture-duplicated] Fixture `postgres` is registered by 2 modules "
        "(`tests/test_orders.py`, `tests/test_users.py`): pytest makes a separate session fixture of each import, so "
        "one run starts its container 2 times; import it in the one `conftest.py` they share"
    ]


def test_a_module_that_imports_without_asking_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path, {"tests/test_orders.py": USES.format(name="orders"),
                                         "tests/test_helpers.py": IGNORES.format(name="helpers")}))  # fmt: skip
    assert reported(".") == []


def test_imported_once_by_the_shared_conftest(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path, {"tests/conftest.py": "from tests.fixtures.db import *\n",
                                         "tests/test_orders.py": "def test_orders(postgres):\n    assert postgres\n",
                                         "tests/test_users.py": "def test_users(postgres):\n    assert postgres\n"}))  # fmt: skip
    assert reported(".") == []


def test_a_conftest_star_importing_the_conftest_above(tmp_path, monkeypatch):
    write(tmp_path, {"tests/__init__.py": "", "tests/conftest.py": FIXTURE_MODULE, "tests/sub/__init__.py": "",
                     "tests/sub/conftest.py": "from ..conftest import *\n"})  # fmt: skip
    monkeypatch.chdir(tmp_path)
    found = reported(".")
    assert len(found) == 1 and found[0].startswith("tests/conftest.py:5:1:") and "(`tests/conftest.py`, `tests/sub/conftest.py`)" in found[0]


def test_through_a_module_that_re_exports_it(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path, {"tests/fixtures/users.py": RE_EXPORTS,
                                         "tests/test_orders.py": THROUGH_RE_EXPORT.format(name="orders"),
                                         "tests/test_users.py": THROUGH_RE_EXPORT.format(name="users")}))  # fmt: skip
    assert len(reported(".")) == 1


def test_cached_runs_follow_an_edit_of_the_importing_module(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path, {"tests/test_orders.py": USES.format(name="orders"),
                                         "tests/test_users.py": USES.format(name="users")}))  # fmt: skip
    first = reported(".")
    assert len(first) == 1 and reported(".") == first  # the second run reads the cache
    (tmp_path / "tests/test_users.py").write_text(IGNORES.format(name="users"))
    assert reported(".") == []
    (tmp_path / "tests/test_users.py").write_text(USES.format(name="users"))
    assert reported(".") == first


def test_started_from_another_folder(tmp_path, monkeypatch):
    project(tmp_path / "service", {"tests/test_orders.py": USES.format(name="orders"),
                                          "tests/test_users.py": USES.format(name="users")})  # fmt: skip
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    found = reported(os.path.join("..", "service"))
    shown = (tmp_path / "service" / "tests" / "fixtures" / "db.py").as_posix()
    assert len(found) == 1 and found[0].startswith(f"{shown}:5:1:"), found


def test_a_monorepo_whose_services_have_the_same_module_path(tmp_path, monkeypatch):
    """Each service's `tests.fixtures.db` is its own module: an import resolves from the importing file's
    folder up, as Python's path does under pytest, never to the other service's file of the same name."""
    for service, image in (("billing", "postgres:16.4"), ("orders", "postgres:15.8")):
        project(tmp_path / service, {"tests/fixtures/db.py": FIXTURE_MODULE.replace("postgres:16.4", image),
                                     "tests/test_first.py": USES.format(name="first"),
                                     "tests/test_second.py": USES.format(name="second")})  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert reported(".") == [
        f"{service}/tests/fixtures/db.py:5:1: TCL104 [container-fixture-duplicated] Fixture `postgres` is registered by "
        f"2 modules (`{service}/tests/test_first.py`, `{service}/tests/test_second.py`): pytest makes a separate "
        "session fixture of each import, so one run starts its container 2 times; import it in the one `conftest.py` "
        "they share"
        for service in ("billing", "orders")
    ]
