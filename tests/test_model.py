"""The semantic model: bindings, where values come from, strings, containers, addresses, clients."""

from __future__ import annotations

import libcst as cst
import pytest

from tclint.engine.model import Model
from tclint.engine.walk import Walker

MODULE = '''
import pytest
import redis
from redis import Redis as MakeRedis
from testcontainers.postgres import PostgresContainer
from testcontainers.redis import RedisContainer

HOST = "localhost"
CONFIG = {"host": "127.0.0.1", "port": 6379}


class Settings:
    url = "redis://localhost:6379/0"


class CacheContainer(RedisContainer):
    def connect(self):
        return redis.Redis(host="localhost", port=self.get_exposed_port(6379))


class TestThing:
    def setup_method(self):
        self.db = PostgresContainer("postgres:16")
        self.host = HOST

    def test_it(self):
        url = self.db.get_connection_url()


@pytest.fixture
def client(redis_container):
    port = redis_container.get_exposed_port(6379)
    url = f"redis://{HOST}:{port}/0"
    settings = Settings(redis_host=HOST, redis_port=port)
    host, mapped = "localhost", int(port)
    make = MakeRedis
    with RedisContainer("redis:7").with_exposed_ports(6379) as started:
        plain = make(settings.redis_host, CONFIG["port"])
    wrapper = Repository(url)
    return redis.from_url(url)
'''


@pytest.fixture(scope="module")
def model() -> Model:
    module = cst.parse_module(MODULE)
    walker = Walker([])
    built = Model(module, "tests/test_x.py", (), walker)
    walker._listeners = [built]
    walker.walk(module)
    return built


def code(model: Model, node: cst.CSTNode) -> str:
    return model.module.code_for_node(node)


def scope_of(model: Model, name: str):
    return next(function for function in model.functions if function.name == name)


@pytest.mark.parametrize(
    ("function", "expression", "expected"),
    [
        pytest.param("client", "url", 'f"redis://{HOST}:{port}/0"', id="local"),
        pytest.param("client", "settings.redis_host", '"localhost"', id="settings-object-keyword"),
        pytest.param("client", 'CONFIG["port"]', "6379", id="dict-literal"),
        pytest.param("client", "host", '"localhost"', id="tuple-target"),
        pytest.param("client", "Settings.url", '"redis://localhost:6379/0"', id="class-constant"),
        pytest.param("client", "started", 'RedisContainer("redis:7").with_exposed_ports(6379)', id="with-as"),
        pytest.param("test_it", "self.host", '"localhost"', id="self-attribute-through-module-constant"),
        pytest.param("client", "redis_container", "redis_container", id="parameter-stays"),
    ],
)
def test_origin(model, function, expression, expected):
    origin = model.origin(cst.parse_expression(expression), scope_of(model, function))
    assert code(model, origin.expr) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param("url", "redis://localhost:{}/0", id="f-string-with-unknown-port"),
        pytest.param("HOST + ':' + str(CONFIG['port'])", "localhost:6379", id="concatenation"),
        pytest.param("Settings.url", "redis://localhost:6379/0", id="class-constant"),
        pytest.param("port", None, id="not-a-string"),
    ],
)
def test_string_of(model, expression, expected):
    value = model.string_of(cst.parse_expression(expression), scope_of(model, "client"))
    assert (value.text if value else None) == expected


@pytest.mark.parametrize(
    ("function", "expression", "expected"),
    [
        pytest.param("client", "redis_container", (None, "redis_container"), id="fixture-by-name"),
        pytest.param("client", "started", ("testcontainers.redis.RedisContainer", None), id="with-chain"),
        pytest.param("test_it", "self.db", ("testcontainers.postgres.PostgresContainer", None), id="self-attribute"),
        pytest.param("connect", "self", ("testcontainers.redis.RedisContainer", None), id="own-method"),
        pytest.param("client", "url", None, id="not-a-container"),
    ],
)
def test_container_of(model, function, expression, expected):
    held = model.container_of(cst.parse_expression(expression), scope_of(model, function))
    assert ((held.cls.qualname if held.cls else None, held.fixture) if held else None) == expected


@pytest.mark.parametrize(
    ("function", "expression", "expected"),
    [
        pytest.param("client", "port", "port", id="mapped-port"),
        pytest.param("client", "mapped", "port", id="int-of-mapped-port"),
        pytest.param("test_it", "url", "url", id="connection-url"),
        pytest.param("client", "host", None, id="literal-host"),
    ],
)
def test_address_role(model, function, expression, expected):
    assert model.address_role(cst.parse_expression(expression), scope_of(model, function)) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param("redis.from_url(url)", ("redis.from_url", "Redis client"), id="known-client"),
        pytest.param("plain", ("redis.Redis", "Redis client"), id="through-an-alias"),
        pytest.param("wrapper", ("Repository", None), id="wrapper-built-from-the-containers-address"),
        pytest.param("host", None, id="a-string"),
    ],
)
def test_client_of(model, expression, expected):
    found = model.client_of(cst.parse_expression(expression), scope_of(model, "client"))
    assert ((found.type_name, found.client.label if found.client else None) if found else None) == expected


def test_project_index_carries_container_classes_and_constants_of_other_modules():
    from tclint.facts import ContainerClassFact, FileFacts, ProjectFacts

    support = FileFacts(
        "tests/support/containers.py",
        container_classes=(ContainerClassFact("MinioLike", "testcontainers.minio.MinioContainer", "minio/minio:latest", (9000,), True),),
        constants=(("GATEWAY_HOST", "localhost"),),
        factories=(("start_cache", "testcontainers.redis.RedisContainer", True),),
    )
    assert FileFacts.from_dict(__import__("dataclasses").asdict(support)) == support
    source = ("from tests.support.containers import GATEWAY_HOST, MinioLike, start_cache\n\n"
              "store = MinioLike()\nhost = GATEWAY_HOST\ncache = start_cache()\n")
    module = cst.parse_module(source)
    walker = Walker([])
    model = Model(module, "tests/test_x.py", (), walker, project=ProjectFacts(modules=(support,), names=(("tests.support.containers", support.path),)))
    walker._listeners = [model]
    walker.walk(module)
    held = model.container_of(cst.Name("store"), model.module_scope)
    assert (held.cls.qualname, held.cls.default_image, held.cls.ports) == ("testcontainers.minio.MinioContainer", "minio/minio:latest", (9000,))
    assert model.string_of(cst.Name("host"), model.module_scope).text == "localhost"
    assert model.container_of(cst.Name("cache"), model.module_scope).cls.qualname == "testcontainers.redis.RedisContainer"


def test_a_modules_container_subclasses_are_exported_with_their_own_defaults():
    source = (
        "from testcontainers.core.container import DockerContainer\n\n\n"
        "class Gateway(DockerContainer):\n"
        "    def __init__(self, image='gateway:1.4', port=8080):\n"
        "        super().__init__(image)\n"
        "        self.with_exposed_ports(port, 8443)\n\n"
        "    def start(self):\n"
        "        return super().start()\n\n\n"
        "TIMEOUT = 30\n"
        "def start_gateway():\n    gateway = Gateway()\n    gateway.start()\n    return gateway\n"
        "pytest_plugins = ['tests.plugins.db']\n"
    )
    module = cst.parse_module(source)
    walker = Walker([])
    model = Model(module, "tests/support.py", (), walker)
    walker._listeners = [model]
    walker.walk(module)
    exported = model.exported_facts()
    [gateway] = exported["container_classes"]
    assert (gateway.name, gateway.base, gateway.default_image, gateway.ports, gateway.waits_until_ready) == (
        "Gateway", "testcontainers.core.container.DockerContainer", "gateway:1.4", (8080, 8443), True)
    assert exported["constants"] == (("TIMEOUT", 30),)
    assert exported["factories"] == (("start_gateway", "testcontainers.core.container.DockerContainer", True),)
    assert exported["plugins"] == ("tests.plugins.db",)


def test_a_name_rebound_from_itself_comes_from_its_earlier_binding():
    """`stmt = stmt.with_only_columns(...)` once looped forever (a `with_*` chain read as a container's)."""
    source = (
        "from sqlalchemy import select\n\n\n"
        "def query(table):\n"
        "    stmt = select(table)\n"
        "    stmt = stmt.with_only_columns(table.c.id)\n"
        "    stmt = stmt.with_for_update()\n"
        "    return stmt\n"
    )
    module = cst.parse_module(source)
    walker = Walker([])
    model = Model(module, "tests/test_x.py", (), walker)
    walker._listeners = [model]
    walker.walk(module)
    function = model.module_functions["query"]
    assert code(model, model.origin(cst.Name("stmt"), function).expr) == "select(table)"
    assert model.container_of(cst.Name("stmt"), function) is None
