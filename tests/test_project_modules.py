"""The project index across modules: constants, container classes and helpers another module of the
project defines, the modules `pytest_plugins` names, and the cache that keys a file by the facts of the
modules it imports."""

from __future__ import annotations

import pytest
from helpers import DATABASE_FIXTURES, SESSION_UNIT_TEST, tclint, write

CONSTANTS = {
    "tests/__init__.py": "",
    "tests/constants.py": 'REDIS_IMAGE = "redis:latest"\nPINNED = "redis:7.2.4"\nPORTS = (6379, 16379)\n',
}
TEST_CONSTANT = """from testcontainers.redis import RedisContainer

from tests.constants import PINNED, REDIS_IMAGE


def test_cache():
    with RedisContainer(REDIS_IMAGE) as redis:
        assert redis.get_client().ping()


def test_pinned():
    with RedisContainer(PINNED) as redis:
        assert redis.get_client().ping()
"""
TEST_MODULE_ATTRIBUTE = """import pytest
from testcontainers.redis import RedisContainer

import tests.constants
from tests import constants


@pytest.fixture(scope="session")
def cache():
    with RedisContainer(constants.REDIS_IMAGE) as redis:
        yield redis


@pytest.fixture(scope="session")
def other():
    with RedisContainer(tests.constants.REDIS_IMAGE) as redis:
        yield redis
"""
SUBCLASSES = {
    "src/app/__init__.py": "",
    "src/app/testing.py": """from testcontainers.postgres import PostgresContainer


class AppPostgres(PostgresContainer):
    pass


class OwnDefault(PostgresContainer):
    def __init__(self, image="postgres:latest"):
        super().__init__(image)
""",
    "tests/test_db.py": """import pytest

from app.testing import AppPostgres, OwnDefault


@pytest.fixture(scope="session")
def database():
    with AppPostgres() as postgres:
        yield postgres


@pytest.fixture(scope="session")
def other_database():
    with OwnDefault() as postgres:
        yield postgres
""",
}
RELATIVE = {
    "tests/__init__.py": "",
    "tests/integration/__init__.py": "",
    "tests/integration/images.py": 'KAFKA = "confluentinc/cp-kafka"\n',
    "tests/integration/test_events.py": """import pytest
from testcontainers.kafka import KafkaContainer

from .images import KAFKA


@pytest.fixture(scope="session")
def kafka():
    with KafkaContainer(KAFKA) as broker:
        yield broker
""",
}
HELPERS = {
    "tests/__init__.py": "",
    "tests/helpers.py": """from testcontainers.redis import RedisContainer


def start_redis_container():
    redis = RedisContainer("redis:7.2.4")
    redis.start()
    return redis


def build_redis_container():
    return RedisContainer("redis:7.2.4")
""",
    "tests/test_helpers.py": """from tests import helpers
from tests.helpers import build_redis_container, start_redis_container


def test_started():
    redis = start_redis_container()
    assert redis.get_client().ping()


def test_started_through_the_module():
    redis = helpers.start_redis_container()
    assert redis.get_client().ping()


def test_built_only():
    assert build_redis_container().image == "redis:7.2.4"
""",
}

STAR_IMPORTED_CLASSES = """from testcontainers.postgres import PostgresContainer


class AppPostgres(PostgresContainer):
    pass


class _Private(PostgresContainer):
    pass
"""
TEST_STAR_IMPORT = """import pytest

from tests.containers import *


@pytest.fixture(scope="session")
def database():
    with AppPostgres() as postgres:
        yield postgres


@pytest.fixture(scope="session")
def private():
    with _Private() as postgres:
        yield postgres
"""


@pytest.mark.parametrize(
    ("all_line", "expected"),
    [
        pytest.param("", ["tests/test_db.py:8:10: TCL401 `AppPostgres()`"], id="public-names-without-all"),
        pytest.param('__all__ = ["_Private"]\n', ["tests/test_db.py:14:10: TCL401 `_Private()`"], id="what-all-lists"),
        pytest.param('__all__ = []\n__all__ += ["AppPostgres", "_Private"]\n',
                     ["tests/test_db.py:8:10: TCL401 `AppPostgres()`", "tests/test_db.py:14:10: TCL401 `_Private()`"], id="all-extended"),
        pytest.param("__all__ = [name for name in dir() if name[0].isupper()]\n", ["tests/test_db.py:8:10: TCL401 `AppPostgres()`"],
                     id="all-not-a-literal-means-the-public-names"),
    ],
)  # fmt: skip
def test_a_star_import_of_a_project_module_binds_what_its_all_lists(project, all_line, expected):
    write(project, {"tests/__init__.py": "", "tests/containers.py": all_line + STAR_IMPORTED_CLASSES, "tests/test_db.py": TEST_STAR_IMPORT})
    _, out, _ = tclint("check", "--no-cache", "--output-format", "concise", "--select", "unpinned-container-image", "tests/test_db.py")
    found = [line.split(" [")[0] + " " + line.split("] ")[1].split(" uses")[0] for line in out.splitlines() if line.startswith("tests/")]
    assert found == expected


# A fixtures module that gets `pytest` and its container classes only through relative star imports
# of sibling modules, which get them through their own imports.
STAR_CHAIN = {
    "src/tests/__init__.py": "",
    "src/tests/fixtures/__init__.py": "",
    "src/tests/fixtures/base.py": "import pytest\nfrom testcontainers.kafka import KafkaContainer\n",
    "src/tests/fixtures/kafka.py": "from ..fixtures.base import *\n",
    "src/tests/fixtures/connect.py": """from .kafka import *


@pytest.fixture(scope="session")
def kafka(request):
    kafka = KafkaContainer("confluentinc/cp-kafka:7.6.1")
    kafka.start()
    result = kafka.exec("kafka-topics --create --topic orders")
    assert result.exit_code == 0
    request.addfinalizer(kafka.stop)
    return kafka
""",
}


@pytest.mark.parametrize(
    ("all_line", "expected"),
    [
        pytest.param("", ["src/tests/fixtures/connect.py:7:5: TCL106"], id="public-names-pass-on"),
        pytest.param('__all__ = ["KafkaContainer"]\n', [], id="all-leaves-pytest-out"),
    ],
)
def test_names_pass_through_relative_star_imports(project, all_line, expected):
    """`pytest` bound two relative star imports away makes `@pytest.fixture` a fixture; an `__all__`
    that leaves it out binds nothing (and a plain function's setup is no fixture's)."""
    files = dict(STAR_CHAIN)
    files["src/tests/fixtures/kafka.py"] = all_line + files["src/tests/fixtures/kafka.py"]
    write(project, files)
    _, out, _ = tclint("check", "--no-cache", "--output-format", "concise", "--select", "unguarded-container-setup", "src/tests/fixtures/connect.py")
    assert [line.split(" [")[0] for line in out.splitlines() if line.startswith("src/")] == expected


# A helper module with no container in it: it builds a client over the address a fixture passes it.
CLIENT_HELPER = {
    "tests/conftest.py": (
        "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n@pytest.fixture(scope='session')\n"
        "def redis_container():\n    with RedisContainer('redis:7.2') as redis:\n        yield redis\n"
    ),
    "tests/clients.py": "import redis\n\n\ndef cache_for(host, port):\n    return redis.Redis(host=host, port=int(port))\n",
    "tests/test_cache.py": (
        "import pytest\n\nfrom clients import cache_for\n\n\n@pytest.fixture\ndef client(redis_container):\n"
        "    return cache_for(redis_container.get_container_host_ip(), redis_container.get_exposed_port(6379))\n\n\n"
        "def test_set(client):\n    client.set('k', 'v')\n"
    ),
}


@pytest.mark.parametrize(
    ("files", "rule", "expected"),
    [
        pytest.param(
            {**CONSTANTS, "tests/test_cache.py": TEST_CONSTANT}, "unpinned-container-image",
            "tests/test_cache.py:7:25: TCL401 [unpinned-container-image] Image `redis:latest` uses the moving tag `latest`:"
            " the image changes under the tests\n",
            id="constant-imported-by-name",
        ),
        pytest.param(
            {**CONSTANTS, "tests/test_cache.py": TEST_MODULE_ATTRIBUTE}, "unpinned-container-image",
            "tests/test_cache.py:10:25: TCL401 [unpinned-container-image] Image `redis:latest` uses the moving tag `latest`:"
            " the image changes under the tests\n"
            "tests/test_cache.py:16:25: TCL401 [unpinned-container-image] Image `redis:latest` uses the moving tag `latest`:"
            " the image changes under the tests\n",
            id="constant-through-the-imported-module",
        ),
        pytest.param(
            SUBCLASSES, "unpinned-container-image",
            "src/app/testing.py:9:30: TCL401 [unpinned-container-image] Image `postgres:latest` uses the moving tag `latest`:"
            " the image changes under the tests\n"
            "tests/test_db.py:8:10: TCL401 [unpinned-container-image] `AppPostgres()` uses its default image"
            " `postgres:latest`, whose tag moves\n",
            id="subclass-in-a-src-layout",
        ),
        pytest.param(
            RELATIVE, "unpinned-container-image",
            "tests/integration/test_events.py:9:25: TCL401 [unpinned-container-image] Image `confluentinc/cp-kafka` has no tag,"
            " so it means `latest`: the image changes under the tests\n",
            id="relative-import",
        ),
        pytest.param(
            HELPERS, "container-started-in-test",
            "tests/test_helpers.py:6:13: TCL102 [container-started-in-test] Test `test_started` starts a `RedisContainer`"
            " through `start_redis_container()`: every run starts a new container\n"
            "tests/test_helpers.py:11:13: TCL102 [container-started-in-test] Test `test_started_through_the_module` starts a"
            " `RedisContainer` through `helpers.start_redis_container()`: every run starts a new container\n",
            id="helper-that-starts-a-container",
        ),
        pytest.param(
            CLIENT_HELPER, "client-fixture-without-cleanup",
            "tests/test_cache.py:8:5: TCL201 [client-fixture-without-cleanup] Fixture `client` hands every test a Redis client"
            " and leaves its data and connection behind\n",
            id="helper-that-builds-a-client",  # no enabled rule's words in the helper: read for its facts all the same
        ),
    ],
)
def test_findings_through_other_modules(project, files, rule, expected):
    write(project, files)
    code, out, _ = tclint("check", "--no-cache", "--output-format", "concise", "--select", rule, ".")
    assert out.split("Found")[0] == expected


def test_a_module_outside_the_paths_is_read_for_its_facts_and_cached(project, parsed):
    write(project, {**CONSTANTS, "tests/test_cache.py": TEST_CONSTANT})
    first = tclint("check", "--output-format", "concise", "--select", "unpinned-container-image", "tests/test_cache.py")
    assert sorted(parsed) == ["tests/constants.py", "tests/test_cache.py"]
    assert first[1].startswith("tests/test_cache.py:7:25: TCL401")
    parsed.clear()
    assert tclint("check", "--output-format", "concise", "--select", "unpinned-container-image", "tests/test_cache.py") == first
    assert parsed == []


@pytest.mark.parametrize("paths", [pytest.param(("tests/test_cache.py",), id="one-file"), pytest.param((".",), id="whole-project")])
def test_editing_an_imported_module_changes_the_importers_findings(project, parsed, paths):
    write(project, {**CONSTANTS, "tests/test_cache.py": TEST_CONSTANT})
    arguments = ("check", "--output-format", "concise", "--select", "unpinned-container-image", *paths)
    assert tclint(*arguments)[1].count("TCL401") == 1
    write(project, {"tests/constants.py": CONSTANTS["tests/constants.py"].replace('"redis:latest"', '"redis:7.2.4" ')})
    parsed.clear()
    second = tclint(*arguments)
    assert (second[1], sorted(parsed)) == ("All checks passed!\n", ["tests/constants.py", "tests/test_cache.py"])
    write(project, {"tests/constants.py": CONSTANTS["tests/constants.py"].replace('"redis:latest"', '"redis:edge"')})
    parsed.clear()
    third = tclint(*arguments)
    assert third[1].startswith("tests/test_cache.py:7:25: TCL401 [unpinned-container-image] Image `redis:edge` uses the moving tag")
    assert sorted(parsed) == ["tests/constants.py", "tests/test_cache.py"]
    parsed.clear()
    assert tclint(*arguments) == third and parsed == []
    assert tclint(*arguments, "--no-cache") == third


def test_started_from_another_folder(project, monkeypatch):
    write(project, {**CONSTANTS, "tests/test_cache.py": TEST_CONSTANT})
    monkeypatch.chdir(project.parent)
    _, out, _ = tclint("check", "--output-format", "concise", "--select", "unpinned-container-image", "project/tests")
    assert out.startswith("project/tests/test_cache.py:7:25: TCL401 [unpinned-container-image] Image `redis:latest`")


def test_an_import_cycle_lints_the_same_with_and_without_the_cache(project):
    write(project, {
        "tests/__init__.py": "",
        "tests/a.py": "from testcontainers.redis import RedisContainer\n\nfrom tests.b import IMAGE\n\nOWN = 'redis:latest'\n\n\n"
                      "def start_a():\n    return RedisContainer(IMAGE)\n",
        "tests/b.py": "from testcontainers.redis import RedisContainer\n\nfrom tests.a import OWN\n\nIMAGE = 'redis:edge'\n\n\n"
                      "def start_b():\n    return RedisContainer(OWN)\n",
    })  # fmt: skip
    arguments = ("check", "--output-format", "concise", "--select", "unpinned-container-image", ".")
    first = tclint(*arguments)
    assert tclint(*arguments) == first == tclint(*arguments, "--no-cache")


def test_module_facts_survive_the_cache_round_trip():
    from dataclasses import asdict

    from tclint.facts import ContainerClassFact, FileFacts

    facts = FileFacts(
        "tests/support.py",
        container_classes=(ContainerClassFact("Gateway", "testcontainers.core.container.DockerContainer", "gw:1", (80,), True, True),),
        constants=(("PORTS", (6379, 16379)), ("HOST", "localhost")),
        factories=(("start_gateway", "testcontainers.core.container.DockerContainer", True),),
        clients=(("make_client", "redis.Redis"),),
        bound=(("PostgresContainer", "testcontainers.postgres.PostgresContainer"), ("pytest", "pytest")),
        wrappers=(("StorageSetup", ("__init__",), ("__exit__", "close")),),
    )
    assert FileFacts.from_dict(asdict(facts)) == facts


def test_a_file_left_unparsed_is_linted_again_when_an_import_starts_lending_a_container(project, parsed):
    helpers = HELPERS["tests/helpers.py"]
    unstarted = helpers.replace("    redis.start()\n", "")
    write(project, {**HELPERS, "tests/helpers.py": helpers.replace("from testcontainers.redis import RedisContainer", "RedisContainer = dict")})
    arguments = ("check", "--output-format", "concise", "--select", "container-started-in-test", "tests/test_helpers.py")
    assert tclint(*arguments)[1] == "All checks passed!\n"
    assert parsed == ["tests/helpers.py"]  # read for its facts; the test module names nothing that leads to a container
    write(project, {"tests/helpers.py": unstarted})
    assert tclint(*arguments)[1] == "All checks passed!\n"
    write(project, {"tests/helpers.py": helpers})
    parsed.clear()
    third = tclint(*arguments)
    assert third[1].count("TCL102") == 2 and sorted(parsed) == ["tests/helpers.py", "tests/test_helpers.py"]
    assert tclint(*arguments) == third == tclint(*arguments, "--no-cache")


PLUGIN_FIXTURES = {
    "tests/__init__.py": "",
    "tests/plugins/__init__.py": "",
    "tests/plugins/caches.py": """import pytest
from testcontainers.redis import RedisContainer


@pytest.fixture(scope="session")
def cache():
    with RedisContainer("redis:7.2.4") as redis:
        yield redis
""",
    "tests/test_cache.py": """import redis


def test_cache(cache):
    client = redis.Redis(host="localhost", port=cache.get_exposed_port(6379))
    assert client.ping()
""",
}


@pytest.mark.parametrize(
    ("conftest", "expected"),
    [
        pytest.param('pytest_plugins = ["tests.plugins.caches"]\n',
                     "tests/test_cache.py:5:31: TCL601 [hardcoded-container-address] Hard-coded address `localhost` where the"
                     " container's mapped address belongs: use `cache.get_container_host_ip()`\n", id="list"),
        pytest.param('pytest_plugins = "tests.plugins.caches"\n',
                     "tests/test_cache.py:5:31: TCL601 [hardcoded-container-address] Hard-coded address `localhost` where the"
                     " container's mapped address belongs: use `cache.get_container_host_ip()`\n", id="one-string"),
        pytest.param('pytest_plugins = ["tests.plugins.other"]\n', "All checks passed!\n", id="another-plugin"),
        pytest.param("", "All checks passed!\n", id="no-plugins"),
    ],
)
def test_fixtures_of_pytest_plugins_count_like_conftest_fixtures(project, conftest, expected):
    write(project, {**PLUGIN_FIXTURES, "conftest.py": conftest})
    _, out, _ = tclint("check", "--output-format", "concise", "--select", "hardcoded-container-address", "tests/test_cache.py")
    assert out.split("Found")[0] == expected


PORT_CONSTANT = {
    "tests/__init__.py": "",
    "tests/containers.py": """from testcontainers.core.container import DockerContainer

S3_PORT = 9000


class ObjectStore(DockerContainer):
    def __init__(self, image="rustfs/rustfs:1.0.0"):
        super().__init__(image)
        self.with_exposed_ports(S3_PORT)
""",
}
SERVER_CONFIG = """import pytest

from tests.containers import ObjectStore


class ServerConfig:
    def __init__(self, host, port):
        self.host, self.port = host, port


@pytest.fixture(scope="session")
def store():
    with ObjectStore() as container:
        yield container


@pytest.fixture
def config(store):
    return ServerConfig(host="localhost", port={port})
"""


@pytest.mark.parametrize(
    ("port", "expected"),
    [
        pytest.param(0, "All checks passed!\n", id="a-port-the-class-does-not-expose"),
        pytest.param(9000, "tests/conftest.py:19:30: TCL601 [hardcoded-container-address] Hard-coded address `localhost` where the"
                           " container's mapped address belongs: use `store.get_container_host_ip()` and"
                           " `store.get_exposed_port(9000)`\n", id="the-port-it-exposes-through-a-constant"),
    ],
)
@pytest.mark.parametrize("where", ["tests/conftest.py", "tests/test_store.py"])
def test_ports_a_project_class_exposes_through_a_module_constant(project, port, expected, where):
    write(project, {**PORT_CONSTANT, where: SERVER_CONFIG.format(port=port)})
    _, out, _ = tclint("check", "--output-format", "concise", "--select", "hardcoded-container-address", ".")
    assert out.split("Found")[0] == expected.replace("tests/conftest.py", where)
    if where == "tests/test_store.py":  # the fixture from a conftest.py: its ports travel in the facts
        write(project, {"tests/conftest.py": SERVER_CONFIG.split("\n\n@pytest.fixture\n")[0], where: "from tests.containers import ObjectStore\n\n\n"
                        + "class ServerConfig:\n    def __init__(self, host, port):\n        self.host, self.port = host, port\n\n\n"
                        + f"def test_config(store):\n    assert ServerConfig(host=\"localhost\", port={port})\n"})
        _, again, _ = tclint("check", "--output-format", "concise", "--select", "hardcoded-container-address", ".")
        assert ("TCL601" in again) == (port == 9000)


MODULE_SCOPED_PLUGIN = {
    "pyproject.toml": "[tool.tclint]\n",
    "tests/__init__.py": "",
    "tests/plugins/__init__.py": "",
    "tests/plugins/queues.py": """import pytest
from testcontainers.rabbitmq import RabbitMqContainer


@pytest.fixture(scope="module")
def broker():
    with RabbitMqContainer("rabbitmq:3.13.7") as rabbitmq:
        yield rabbitmq
""",
}
SHARED_BY_PLUGIN = ("plugins/queues.py:5:1: TCL101 [function-scoped-container-fixture] Container fixture `broker` has scope `module`:"
                    " every test module starts a new container (`{conftest}` loads its module through `pytest_plugins`, so shared"
                    " by several modules); shared, it keeps whatever the tests write, which tclint cannot see here: `tclint verify`"
                    " checks the fix\nFound 1 problem (1 more with --unsafe-fixes)\n")


def test_a_module_scoped_fixture_of_a_pytest_plugins_module_is_shared_by_several_modules(project, monkeypatch):
    """Run from the tests folder, with the cache, and again once the conftest.py no longer loads the module."""
    write(project, {**MODULE_SCOPED_PLUGIN, "conftest.py": 'pytest_plugins = ["tests.plugins.queues"]\n'})
    monkeypatch.chdir(project / "tests")
    arguments = ("check", "--output-format", "concise", "--select", "function-scoped-container-fixture", "plugins/queues.py")
    expected = SHARED_BY_PLUGIN.format(conftest=project / "conftest.py")  # above the current folder: shown whole
    assert tclint(*arguments)[1] == expected
    assert tclint(*arguments)[1] == expected
    write(project, {"conftest.py": 'pytest_plugins = ["tests.plugins.metrics"]\n'})
    assert tclint(*arguments)[1] == "All checks passed!\n"


def test_pytest_plugins_name_one_file_not_every_file_ending_alike(project):
    """`pytest_plugins = ["plugins.queues"]` in the root conftest.py loads `plugins/queues.py` (the root is
    on pytest's import path), not `tests/plugins/queues.py`, whose dotted path merely ends the same way."""
    write(project, {**MODULE_SCOPED_PLUGIN, "conftest.py": 'pytest_plugins = ["plugins.queues"]\n',
                    "plugins/__init__.py": "", "plugins/queues.py": MODULE_SCOPED_PLUGIN["tests/plugins/queues.py"]})
    arguments = ("check", "--no-cache", "--output-format", "concise", "--select", "function-scoped-container-fixture")
    assert tclint(*arguments, "tests/plugins/queues.py")[1] == "All checks passed!\n"
    assert "`conftest.py` loads its module through `pytest_plugins`" in tclint(*arguments, "plugins/queues.py")[1]


def image_test(imports: str) -> str:
    return f"from testcontainers.redis import RedisContainer\n\n{imports}\n\ndef test_cache():\n    with RedisContainer(IMAGE) as redis:\n        assert redis\n"


MOVING = 'IMAGE = "redis:latest"\n'
PINNED = 'IMAGE = "redis:7.2.4"\n'


@pytest.mark.parametrize(
    ("files", "found"),
    [
        pytest.param(
            {"tests/__init__.py": "", "tests/fixtures/__init__.py": "", "tests/fixtures/db.py": PINNED,
             "common/__init__.py": "", "common/fixtures/__init__.py": "", "common/fixtures/db.py": MOVING,
             "tests/integration/__init__.py": "",
             "tests/integration/test_cache.py": image_test("from common.fixtures.db import IMAGE as COMMON\nfrom ..fixtures.db import IMAGE\n")},
            [], id="two-modules-with-the-same-dotted-ending",
        ),
        pytest.param(
            {"tests/__init__.py": "", "tests/helpers.py": MOVING, "helpers.py": PINNED, "tests/unit/__init__.py": "",
             "tests/unit/test_cache.py": image_test("from helpers import IMAGE\n")},
            [], id="a-folder-above-that-is-not-on-the-import-path",
        ),
        pytest.param(
            {"tests/helpers.py": MOVING, "tests/conftest.py": "", "tests/unit/__init__.py": "",
             "tests/unit/test_cache.py": image_test("from helpers import IMAGE\n")},
            ["tests/unit/test_cache.py:7:25"], id="the-basedir-of-a-conftest-above",
        ),
        pytest.param(
            {"helpers.py": PINNED, "tests/helpers.py": MOVING, "tests/unit/test_cache.py": image_test("from helpers import IMAGE\n"),
             "tests/unit/conftest.py": "", "tests/conftest.py": "", "tests/unit/__init__.py": ""},
            ["tests/unit/test_cache.py:7:25"], id="the-conftest-basedir-before-the-root",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["support"]\n', "support/images.py": MOVING,
             "tests/test_cache.py": image_test("from images import IMAGE\n")},
            ["tests/test_cache.py:7:25"], id="pytests-pythonpath-option",
        ),
        pytest.param(
            {"pkg/__init__.py": "", "pkg/images.py": PINNED, "src/pkg/__init__.py": "", "src/pkg/images.py": MOVING,
             "other/pkg/images.py": MOVING, "tests/test_cache.py": image_test("from pkg.images import IMAGE\n")},
            [], id="a-regular-package-decides",
        ),
    ],
)  # fmt: skip
def test_an_import_names_the_module_python_would_import(project, files, found):
    write(project, files)
    _, out, _ = tclint("check", "--no-cache", "--output-format", "concise", "--select", "unpinned-container-image", ".")
    assert [line.split(": TCL")[0] for line in out.splitlines() if line.startswith("tests/")] == found


MONOREPO_DB = {True: DATABASE_FIXTURES, False: DATABASE_FIXTURES.replace('PostgresContainer("postgres:16.4") as postgres', 'open("/dev/null") as postgres')}


@pytest.mark.parametrize("with_packages", [pytest.param(True, id="tests-as-packages"), pytest.param(False, id="rootdir-less-tests")])
def test_a_monorepos_two_tests_fixtures_db_modules_never_merge(project, with_packages):
    """Two services with the same `tests/fixtures/db.py`: only the first one's starts a container, and
    only the unit test below it hears of one, from the monorepo's root and from each service."""
    files = {}
    for service, starts in (("billing", True), ("orders", False)):
        files.update({f"{service}/pyproject.toml": '[project]\nname = "x"\n', f"{service}/tests/fixtures/db.py": MONOREPO_DB[starts],
                      f"{service}/tests/conftest.py": "from tests.fixtures.db import *\n", f"{service}/tests/unit/test_orders.py": SESSION_UNIT_TEST})
        if with_packages:
            files.update({f"{service}/tests/__init__.py": "", f"{service}/tests/fixtures/__init__.py": "", f"{service}/tests/unit/__init__.py": ""})
    write(project, files)
    expected = ["billing/tests/unit/test_orders.py:1:5: TCL503"]
    for cache in (("--no-cache",), (), ()):  # uncached, then the cache's first and second runs
        _, out, _ = tclint("check", *cache, "--select", "TCL503", "--output-format", "concise", ".")
        assert [line.split(" [")[0] for line in out.splitlines() if "TCL503" in line] == expected
    _, out, _ = tclint("check", "--select", "TCL503", "--output-format", "concise", "orders")
    assert [line for line in out.splitlines() if "TCL503" in line] == []


APPLICATION_BEHIND_THE_TESTS = {
    "pyproject.toml": '[project]\nname = "app"\n\n[tool.pytest.ini_options]\npythonpath = ["src"]\n',
    "src/app/__init__.py": "",
    "src/app/models.py": 'from app.db import Session\n\nTABLE = "accounts"\n\n\ndef build_model():\n    return Session()\n',
    "src/app/db.py": '"""Sessions (the test fixture builds one)."""\nfrom app.config import DSN\n\n\nclass Session:\n    dsn = DSN\n',
    "src/app/config.py": 'DSN = "postgresql://app@db/app"\n',
    "tests/__init__.py": "",
    "tests/helpers.py": (
        "from testcontainers.redis import RedisContainer\n\nfrom app.models import TABLE\n\n\n"
        'def start_redis():\n    return RedisContainer("redis:7.2.4").start()\n'
    ),
    "tests/conftest.py": "import pytest\n\nfrom app.models import build_model\n\n\n@pytest.fixture\ndef model():\n    return build_model()\n",
    "tests/test_app.py": "from tests.helpers import start_redis\n\n\ndef test_started(model):\n    assert start_redis().get_client().ping()\n",
}


def test_the_application_behind_a_test_is_not_read_for_one_test_file(project, parsed):
    """A module read for its facts alone follows only imports of modules that name testcontainers, and a
    conftest.py's import is followed only into a module that can hold a fixture of that name: the
    application's modules lend a test nothing, and reading their whole import graph made one test file of
    a large monorepo take minutes."""
    write(project, APPLICATION_BEHIND_THE_TESTS)
    _, out, _ = tclint("check", "--no-cache", "--output-format", "concise", "--select", "container-started-in-test", "tests/test_app.py")
    assert out.startswith("tests/test_app.py:5:12: TCL102 [container-started-in-test] Test `test_started` starts a `RedisContainer` through `start_redis()`")
    assert sorted(parsed) == ["tests/conftest.py", "tests/helpers.py", "tests/test_app.py"]
