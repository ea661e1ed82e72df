"""Fix placement: a session fixture that container-started-in-test creates in several test modules goes
to the nearest conftest.py they share (created, or extended after what it holds), so one container
serves them all; when tclint cannot place it safely, each module keeps its own and the run says why."""

from __future__ import annotations

import pytest
from helpers import tclint, write

PYPROJECT = '[project]\nname = "shop"\ndependencies = ["testcontainers==4.15.0"]\n'


def module(table: str, image: str = '"redis:7-alpine"', imports: str = "from testcontainers.redis import RedisContainer\n") -> str:
    return (
        f"{imports}\n\n"
        f"def test_{table}():\n"
        f"    with RedisContainer({image}) as redis:\n"
        f"        assert redis.get_client().ping()\n"
    )


FIXTURE = (
    '@pytest.fixture(scope="session")\n'
    "def redis_container():\n"
    '    with RedisContainer("redis:7-alpine") as redis_container:\n'
    "        yield redis_container\n"
)
PLACED_MODULE = "def test_{name}(redis_container):\n    assert redis_container.get_client().ping()\n"
NEW_CONFTEST = "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n" + FIXTURE
EXISTING_CONFTEST = '"""Shared fixtures."""\n\nimport os\n\nimport pytest\n\n\n@pytest.fixture\ndef region():\n    return os.environ.get("REGION", "eu")\n'
EXTENDED_CONFTEST = (
    '"""Shared fixtures."""\n\nimport os\n\nimport pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n'
    '@pytest.fixture\ndef region():\n    return os.environ.get("REGION", "eu")\n\n\n' + FIXTURE
)


def fix(project) -> str:
    code, out, err = tclint("check", "--no-cache", "--fix", "--unsafe-fixes", ".")
    assert err == "", err
    return out


def test_a_fixture_two_modules_create_goes_to_a_new_conftest_in_their_common_folder(project):
    write(project, {"pyproject.toml": PYPROJECT, "tests/orders/test_orders.py": module("orders"), "tests/carts/test_carts.py": module("carts")})
    out = fix(project)
    assert "Created tests/conftest.py with the session fixture `redis_container` that 2 modules share\n" in out
    assert (project / "tests/conftest.py").read_text() == NEW_CONFTEST
    assert (project / "tests/orders/test_orders.py").read_text() == PLACED_MODULE.format(name="orders")
    assert (project / "tests/carts/test_carts.py").read_text() == PLACED_MODULE.format(name="carts")
    assert fix(project).endswith("All checks passed!\n")


def test_an_existing_conftest_is_extended_after_what_it_holds_and_its_imports_merged(project):
    write(project, {"pyproject.toml": PYPROJECT, "tests/conftest.py": EXISTING_CONFTEST,
                    "tests/test_orders.py": module("orders"), "tests/test_carts.py": module("carts")})  # fmt: skip
    out = fix(project)
    assert "Extended tests/conftest.py with the session fixture `redis_container` that 2 modules share\n" in out
    assert (project / "tests/conftest.py").read_text() == EXTENDED_CONFTEST
    assert (project / "tests/test_orders.py").read_text() == PLACED_MODULE.format(name="orders")


def test_the_nearest_existing_conftest_they_share_is_the_one_extended(project):
    write(project, {"pyproject.toml": PYPROJECT, "tests/conftest.py": EXISTING_CONFTEST,
                    "tests/shop/orders/test_orders.py": module("orders"), "tests/shop/carts/test_carts.py": module("carts")})  # fmt: skip
    fix(project)
    assert (project / "tests/conftest.py").read_text() == EXTENDED_CONFTEST
    assert not (project / "tests/shop/conftest.py").exists()


def test_a_fixture_one_module_creates_stays_in_it(project):
    write(project, {"pyproject.toml": PYPROJECT, "tests/test_orders.py": module("orders")})
    out = fix(project)
    assert "conftest" not in out
    assert not (project / "tests/conftest.py").exists()
    assert "def redis_container():" in (project / "tests/test_orders.py").read_text()


STAYS = "Kept the session fixture `redis_container` in each of its 2 modules: "


@pytest.mark.parametrize(
    ("files", "why"),
    [
        pytest.param({"tests/conftest.py": 'redis_container = "redis://localhost:6379"\n'},
                     "`redis_container` is already a name in `tests/conftest.py`", id="name-clash-in-the-conftest"),
        pytest.param({"tests/carts/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef redis_container():\n    return None\n"},
                     "the modules would name it differently (`redis_container`, `redis_container_2`)", id="name-taken-below-it"),
        pytest.param({"tests/conftest.py": 'pytest_plugins = ["tests.plugins.containers"]\n'},
                     "`tests/conftest.py` names `pytest_plugins`: the fixture could go there or into one of those plugins",
                     id="two-candidate-places"),
        pytest.param({f"tests/{name}/test_{name}.py": module(name, image="IMAGE", imports="from testcontainers.redis import RedisContainer\n\nIMAGE = \"redis:7-alpine\"\n")
                      for name in ("orders", "carts")},
                     "in `tests/carts/test_carts.py`, it uses `IMAGE` from this module", id="a-name-of-the-module"),
        pytest.param({f"tests/{name}/test_{name}.py": module(name, imports="import testcontainers.redis as tc\n").replace("RedisContainer(", "tc.RedisContainer(")
                      for name in ("orders", "carts")},
                     "in `tests/carts/test_carts.py`, its class `tc` is not imported by name from testcontainers",
                     id="class-not-imported-by-name"),
    ],
)  # fmt: skip
def test_a_fixture_tclint_cannot_place_safely_stays_in_each_module_and_the_run_says_why(project, files, why):
    write(project, {"pyproject.toml": PYPROJECT, "tests/orders/test_orders.py": module("orders"), "tests/carts/test_carts.py": module("carts"), **files})
    before = {path: (project / path).read_text() for path in files if path.endswith("conftest.py")}
    out = fix(project)
    assert STAYS + why + "\n" in out, out
    assert "def redis_container():" in (project / "tests/orders/test_orders.py").read_text()
    assert {path: (project / path).read_text() for path in before} == before
    assert not (project / "tests/orders/conftest.py").exists()


def test_modules_of_two_projects_keep_their_own_fixture(project):
    write(project, {"a/pyproject.toml": PYPROJECT, "a/tests/test_orders.py": module("orders"),
                    "b/pyproject.toml": PYPROJECT, "b/tests/test_carts.py": module("carts")})  # fmt: skip
    out = fix(project)
    assert STAYS + "the modules belong to different projects\n" in out
    assert not (project / "conftest.py").exists()


def test_diff_shows_the_new_conftest_and_writes_nothing(project):
    write(project, {"pyproject.toml": PYPROJECT, "tests/test_orders.py": module("orders"), "tests/test_carts.py": module("carts")})
    code, out, err = tclint("check", "--no-cache", "--diff", "--unsafe-fixes", ".")
    assert "--- /dev/null\n+++ b/tests/conftest.py\n" in out
    assert "Created tests/conftest.py with the session fixture `redis_container` that 2 modules share\n" in err
    assert not (project / "tests/conftest.py").exists()
    assert (project / "tests/test_orders.py").read_text() == module("orders")


def test_a_conftest_that_cannot_be_written_leaves_each_module_its_own_fixture(project):
    write(project, {"pyproject.toml": PYPROJECT, "tests/conftest.py": EXISTING_CONFTEST,
                    "tests/test_orders.py": module("orders"), "tests/test_carts.py": module("carts")})  # fmt: skip
    (project / "tests/conftest.py").chmod(0o444)
    code, out, err = tclint("check", "--no-cache", "--fix", "--unsafe-fixes", ".")
    assert err == "tests/conftest.py: error: read-only file: fixes not written\n"
    assert "Kept the session fixture `redis_container` in each of its 2 modules: tests/conftest.py could not be written\n" in out
    assert (project / "tests/conftest.py").read_text() == EXISTING_CONFTEST
    assert "def redis_container():" in (project / "tests/test_carts.py").read_text()


def test_a_conftest_that_does_not_parse_is_left_as_it_is_and_each_module_keeps_its_fixture(project):
    broken = "import pytest\n\n\n@pytest.fixture\ndef region(:\n"
    write(project, {"pyproject.toml": PYPROJECT, "tests/conftest.py": broken,
                    "tests/test_orders.py": module("orders"), "tests/test_carts.py": module("carts")})  # fmt: skip
    code, out, err = tclint("check", "--no-cache", "--fix", "--unsafe-fixes", ".")
    assert err.startswith("tests/conftest.py: error: syntax error at 5:12"), err
    assert "Kept the session fixture `redis_container` in each of its 2 modules: tests/conftest.py could not be written\n" in out
    assert (project / "tests/conftest.py").read_text() == broken
    assert "def redis_container():" in (project / "tests/test_orders.py").read_text()
