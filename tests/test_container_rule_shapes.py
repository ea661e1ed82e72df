"""Shapes of real suites for the container rules (TCL101-103, TCL401, TCL702): each case is a small
project; the lines marked `# error: [rule]` are exactly what the rule reports, and a case with no
marker is a near miss that must stay silent."""

from __future__ import annotations

import pytest
from helpers import write
from rule_docs import strip_markers

from tclint.runner import RunOptions, run
from tclint.settings import load_settings


def lint(project, rule: str, files: dict[str, str]):
    sources, expected = {}, []
    for path, text in files.items():
        sources[path], marked = strip_markers(text)
        expected += [(path, line, name) for line, name in marked]
    write(project, {"pyproject.toml": f'[tool.tclint]\nselect = ["{rule}"]\n', **sources})
    result = run(["."], load_settings(None, project), RunOptions(cache=False))
    assert result.errors == []
    return sorted((d.path, d.line, d.name) for d in result.diagnostics), sorted(expected)


UNPINNED = [
    pytest.param({"tests/test_a.py": '''
import pytest
from testcontainers.redis import RedisContainer


@pytest.fixture(scope="session")
def redis():
    image = "redis"  # error: [unpinned-container-image]
    with RedisContainer(image) as container:
        yield container
'''}, id="local-variable"),
    pytest.param({"tests/test_a.py": '''
from testcontainers.postgres import PostgresContainer


class TestRepository:
    IMAGE = "postgres:latest"  # error: [unpinned-container-image]

    @classmethod
    def setup_class(cls):
        cls.postgres = PostgresContainer(cls.IMAGE)
        cls.postgres.start()

    def test_one(self):
        pass
'''}, id="class-attribute"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.redis import RedisContainer


@pytest.fixture(scope="session", params=["redis:7.2-alpine", "redis:latest"])  # error: [unpinned-container-image]
def redis(request):
    with RedisContainer(request.param) as container:
        yield container
'''}, id="fixture-params"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.redis import RedisContainer


@pytest.fixture(scope="session", params=[pytest.param("redis:6.2", id="six"), pytest.param("redis", id="newest")])  # error: [unpinned-container-image]
def redis(request):
    with RedisContainer(image=request.param) as container:
        yield container
'''}, id="fixture-params-pytest-param"),
    pytest.param({"tests/test_a.py": '''
import pytest
from testcontainers.postgres import PostgresContainer


@pytest.mark.parametrize("image", ["postgres:16.2", "postgres:alpine"])  # error: [unpinned-container-image]
def test_versions(image):
    with PostgresContainer(image) as postgres:
        assert postgres.get_connection_url()
'''}, id="parametrized-test"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.core.container import DockerContainer


@pytest.fixture(scope="session")
def minio_image():
    return "minio/minio:latest"  # error: [unpinned-container-image]


@pytest.fixture(scope="session")
def minio(minio_image):
    with DockerContainer(minio_image).with_exposed_ports(9000) as container:
        yield container
'''}, id="image-from-another-fixture"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.generic import ServerContainer


@pytest.fixture(scope="session")
def web():
    with ServerContainer(80, "nginx") as server:  # error: [unpinned-container-image]
        yield server


@pytest.fixture(scope="session")
def web_pinned():
    with ServerContainer(80, "nginx:1.25.3") as server:
        yield server
'''}, id="image-not-first-argument"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.trino import TrinoContainer
from testcontainers.scylla import ScyllaContainer
from testcontainers.milvus import MilvusContainer


@pytest.fixture(scope="session")
def trino():
    with TrinoContainer() as container:  # error: [unpinned-container-image]
        yield container


@pytest.fixture(scope="session")
def scylla():
    with ScyllaContainer() as container:  # error: [unpinned-container-image]
        yield container


@pytest.fixture(scope="session")
def milvus():
    with MilvusContainer("milvusdb/milvus:v2.4.4") as container:
        yield container
'''}, id="classes-of-the-community-package"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.redis import RedisContainer
from testcontainers.postgres import PostgresContainer


@pytest.fixture(scope="session")
def redis():
    with RedisContainer("redis:alpine") as container:  # error: [unpinned-container-image]
        yield container


@pytest.fixture(scope="session")
def postgres():
    with PostgresContainer("postgres:slim-bookworm") as container:  # error: [unpinned-container-image]
        yield container


@pytest.fixture(scope="session")
def rabbit():
    with RedisContainer("redis:7-alpine") as container:
        yield container
'''}, id="variant-only-tags"),
    pytest.param({"tests/containers.py": '''
from testcontainers.postgres import PostgresContainer


class AppDatabase(PostgresContainer):
    def __init__(self, image="postgres:latest", **kwargs):  # error: [unpinned-container-image]
        super().__init__(image, **kwargs)


class PinnedDatabase(PostgresContainer):
    def __init__(self, **kwargs):
        super().__init__("postgres:16.2", **kwargs)
''', "tests/conftest.py": '''
import pytest
from tests.containers import AppDatabase, PinnedDatabase


@pytest.fixture(scope="session")
def database():
    with AppDatabase() as container:
        yield container


@pytest.fixture(scope="session")
def pinned():
    with PinnedDatabase() as container:
        yield container


@pytest.fixture(scope="session")
def overridden():
    with AppDatabase("postgres:16.2") as container:
        yield container
'''}, id="project-subclass-in-another-module"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.core.container import DockerContainer


class Vault(DockerContainer):
    def __init__(self):
        super().__init__("hashicorp/vault")  # error: [unpinned-container-image]
        self.with_exposed_ports(8200)


@pytest.fixture(scope="session")
def vault():
    with Vault() as container:
        yield container
'''}, id="project-subclass-with-a-fixed-image"),
    pytest.param({"tests/conftest.py": '''
from dataclasses import dataclass

import pytest
from testcontainers.postgres import PostgresContainer


@dataclass
class ServiceConfig:
    database_image: str = "timescale/timescaledb:latest-pg15"  # error: [unpinned-container-image]
    port: int = 5432


class Services:
    def __init__(self):
        self.config = ServiceConfig()

    def database(self):
        return PostgresContainer(image=self.config.database_image)


@pytest.fixture(scope="session")
def database():
    with Services().database() as container:
        yield container
'''}, id="config-object-default"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.core.container import DockerContainer

REDIS_IMAGE = "redis:latest"  # error: [unpinned-container-image]
VALKEY_IMAGE = "valkey/valkey:8.0.1"
SERVER_IMAGES = [REDIS_IMAGE, VALKEY_IMAGE]


@pytest.fixture(scope="session", params=SERVER_IMAGES)
def server(request):
    with DockerContainer(request.param).with_exposed_ports(6379) as container:
        yield container
'''}, id="params-from-a-constant-list"),
    pytest.param({"tests/fixtures/containers.py": '''
import pytest
from testcontainers.core.container import DockerContainer

SERVER_IMAGES = [
    ("redis:latest", "redis"),  # error: [unpinned-container-image]
    ("valkey/valkey:8.0.1", "valkey"),
]
DEFAULT_IMAGE = "redis:latest"  # error: [unpinned-container-image]
SETTINGS = {"host": "localhost:6379", "role": "db:primary", "note": "see redis:latest docs"}


def test_image_of(server):
    assert server.image != "redis:latest"


def start_server(image):
    container = DockerContainer(image).with_exposed_ports(6379)
    container.start()
    return container


@pytest.fixture(scope="session")
def server(request):
    image, _ = request.getfixturevalue("server_image") if "server_image" in request.fixturenames else (DEFAULT_IMAGE, "")
    container = start_server(image)
    yield container
    container.stop()
'''}, id="image-literals-tclint-cannot-follow"),
    pytest.param({"tests/test_a.py": '''
import os

import pytest
from testcontainers.core.container import DockerContainer
from testcontainers.core.image import DockerImage

APP = "my-app:latest"


@pytest.fixture(scope="session")
def app():
    with DockerImage(path=".", tag=APP):
        with DockerContainer(APP) as container:
            yield container


@pytest.fixture(scope="session")
def built():
    with DockerImage(path=".", tag="service:test") as image:
        with DockerContainer(str(image)) as container:
            yield container


@pytest.fixture(scope="session")
def from_environment():
    with DockerContainer(os.environ.get("IMAGE", "redis:7.2.4")) as container:
        yield container


@pytest.fixture(scope="session")
def by_digest():
    with DockerContainer("redis@sha256:4e4f8a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f") as container:
        yield container
'''}, id="near-misses"),
]


@pytest.mark.parametrize("files", UNPINNED)
def test_unpinned_container_image(project, files):
    found, expected = lint(project, "unpinned-container-image", files)
    assert found == expected


STARTED = [
    pytest.param({"tests/test_a.py": '''
from testcontainers.core.container import DockerContainer


def test_echo():
    with DockerContainer("hashicorp/http-echo:1.0").with_exposed_ports(5678).with_command("-text=hi") as echo:  # error: [container-started-in-test]
        assert echo.get_exposed_port(5678)
'''}, id="builder-chain"),
    pytest.param({"tests/test_a.py": '''
from contextlib import ExitStack

from testcontainers.redis import RedisContainer


def test_two_redis():
    with ExitStack() as stack:
        first = stack.enter_context(RedisContainer("redis:7.2"))  # error: [container-started-in-test]
        assert first.get_client().ping()
'''}, id="exit-stack"),
    pytest.param({"tests/fixtures/containers.py": '''
from contextlib import contextmanager

from testcontainers.postgres import PostgresContainer


@contextmanager
def start_postgres(database="app"):
    with PostgresContainer("postgres:16.2", dbname=database) as postgres:
        yield postgres
''', "tests/support/containers.py": '''
from testcontainers.core.container import DockerContainer


class EchoServer(DockerContainer):
    def __init__(self):
        super().__init__("hashicorp/http-echo:1.0")
''', "tests/test_a.py": '''
from testcontainers.core.container import DockerContainer  # files that never say testcontainers are not parsed

from tests.fixtures.containers import start_postgres
from tests.support.containers import EchoServer


def test_query():
    with start_postgres("orders") as postgres:  # error: [container-started-in-test]
        assert postgres.get_connection_url()


def test_echo():
    with EchoServer() as server:  # error: [container-started-in-test]
        assert server.get_exposed_port(5678)


def test_echo_started():
    server = EchoServer()
    server.start()  # error: [container-started-in-test]
    assert server.get_exposed_port(5678)
    server.stop()
'''}, id="helpers-and-classes-of-a-containers-module"),
    pytest.param({"tests/test_a.py": '''
import testcontainers.core.config  # files that never say testcontainers are not parsed
from wiremock.testing.testcontainer import wiremock_container


def test_mapping():
    with wiremock_container(secure=False) as wiremock:  # error: [container-started-in-test]
        assert wiremock.get_url("/")
'''}, id="library-factory"),
    pytest.param({"tests/test_a.py": '''
from testcontainers.compose import DockerCompose


def test_stack():
    with DockerCompose("tests", compose_file_name="docker-compose.yml") as compose:  # error: [container-started-in-test]
        assert compose.get_service_port("web", 80)
'''}, id="compose"),
    pytest.param({"tests/test_a.py": '''
import pytest
from testcontainers.core.container import DockerContainer
from testcontainers.redis import RedisContainer


@pytest.fixture(scope="session")
def redis():
    with RedisContainer("redis:7.2") as container:
        yield container


def test_built_not_started():
    container = DockerContainer("alpine:3.19").with_command("true")
    assert container.image == "alpine:3.19"


def helper_not_a_test():
    with RedisContainer("redis:7.2") as container:
        return container.get_client().ping()
'''}, id="near-misses"),
]


@pytest.mark.parametrize("files", STARTED)
def test_container_started_in_test(project, files):
    found, expected = lint(project, "container-started-in-test", files)
    assert found == expected


DEPRECATED = [
    pytest.param({"tests/test_a.py": '''
import pytest
from testcontainers.postgres import PostgresContainer


@pytest.fixture(scope="session")
def database():
    with PostgresContainer("postgres:16.2") as postgres:
        yield postgres


class Settings:
    POSTGRES_USER = "app"


def test_credentials(database):
    settings = Settings()
    assert settings.POSTGRES_USER
    assert database.POSTGRES_USER  # error: [deprecated-testcontainers-api]
'''}, id="attributes-on-container-typed-names"),
    pytest.param({"tests/test_a.py": '''
from testcontainers.mysql import MySqlContainer


class TestRepository:
    @classmethod
    def setup_class(cls):
        cls.mysql = MySqlContainer("mysql:8.0.36")
        cls.mysql.start()

    def test_user(self):
        assert self.mysql.MYSQL_USER  # error: [deprecated-testcontainers-api]
'''}, id="attributes-on-self"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.core import waiting_utils
from testcontainers.core.container import DockerContainer
from testcontainers.core.waiting_utils import wait_for_logs
from testcontainers.core.wait_strategies import LogMessageWaitStrategy

READY = "listening on"


@pytest.fixture(scope="session")
def server():
    with DockerContainer("nginx:1.25.3") as nginx:
        waiting_utils.wait_for_logs(nginx, "start worker")  # error: [deprecated-testcontainers-api]
        wait_for_logs(nginx, READY)  # error: [deprecated-testcontainers-api]
        wait_for_logs(container=nginx, predicate=".*ready.*")  # error: [deprecated-testcontainers-api]
        wait_for_logs(nginx, str.isascii)  # error: [deprecated-testcontainers-api]
        wait_for_logs(nginx, LogMessageWaitStrategy("ready"))
        yield nginx
'''}, id="wait-for-logs-forms"),
    pytest.param({"tests/support/mysql.py": '''
from testcontainers.core.waiting_utils import wait_for_logs
from testcontainers.mysql import MySqlContainer


class AppDatabase(MySqlContainer):
    def url(self):
        return f"mysql://{self.MYSQL_USER}@{self.get_container_host_ip()}"  # error: [deprecated-testcontainers-api]

    def start(self):
        super().start()
        wait_for_logs(self, "ready for connections", timeout=60)  # error: [deprecated-testcontainers-api]
        return self
'''}, id="inside-a-project-subclass"),
    pytest.param({"tests/conftest.py": '''
from testcontainers.core.generic import DbContainer


class ClickHouse(DbContainer):  # error: [deprecated-testcontainers-api]
    def _configure(self):
        pass


def database_url(container: DbContainer) -> str:  # error: [deprecated-testcontainers-api]
    return container.get_connection_url()
'''}, id="db-container-base-and-type"),
]


@pytest.mark.parametrize("files", DEPRECATED)
def test_deprecated_testcontainers_api(project, files):
    found, expected = lint(project, "deprecated-testcontainers-api", files)
    assert found == expected


FUNCTION_SCOPED = [
    pytest.param({"tests/test_a.py": '''
import pytest
from testcontainers.redis import RedisContainer

redis = RedisContainer("redis:7.2")


@pytest.fixture(autouse=True)  # error: [function-scoped-container-fixture]
def setup():
    redis.start()
    yield
    redis.stop()


def test_ping():
    assert redis.get_client().ping()
'''}, id="autouse-starts-a-module-container"),
    pytest.param({"tests/test_a.py": '''
import pytest
from testcontainers.postgres import PostgresContainer


class Environment:
    def __init__(self):
        self.database = PostgresContainer("postgres:16.2")

    def setup(self):
        self.database.start()

    def teardown(self):
        self.database.stop()


@pytest.fixture  # error: [function-scoped-container-fixture]
def environment():
    env = Environment()
    env.setup()
    yield env
    env.teardown()
'''}, id="environment-object-setup"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.redis import RedisContainer


@pytest.fixture(scope="module")  # error: [function-scoped-container-fixture]
def redis():
    with RedisContainer("redis:7.2") as container:
        yield container
''', "tests/test_a.py": "def test_a(redis):\n    assert redis\n",
        "tests/test_b.py": "def test_b(redis):\n    assert redis\n"}, id="module-scope-shared-by-modules"),
    pytest.param({"tests/test_a.py": '''
import pytest
from testcontainers.localstack import LocalStackContainer
from testcontainers.mysql import MySqlContainer


@pytest.fixture(scope="session")
def s3_container():
    return LocalStackContainer("localstack/localstack:3.0.2").with_services("s3")


@pytest.fixture(scope="session")
def mysql_container():
    return MySqlContainer("mysql:8.0.36")


@pytest.fixture  # error: [function-scoped-container-fixture]
def services(s3_container, mysql_container):
    s3_container.start()
    mysql_container.start()
    yield s3_container, mysql_container
    s3_container.stop()
    mysql_container.stop()
'''}, id="starts-containers-other-fixtures-built"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.postgres import PostgresContainer


@pytest.fixture(scope="session")
def postgres():
    with PostgresContainer("postgres:16.2") as container:
        yield container
''', "tests/test_a.py": '''
import pytest


class DatabaseTests:
    @pytest.fixture(scope="class", autouse=True)
    def connect(self, request, postgres):
        request.cls.url = postgres.get_connection_url()
        yield


class TestUsers(DatabaseTests):
    def test_url(self):
        assert self.url
'''}, id="class-scoped-fixture-of-a-shared-base"),
]


@pytest.mark.parametrize("files", FUNCTION_SCOPED)
def test_function_scoped_container_fixture(project, files):
    found, expected = lint(project, "function-scoped-container-fixture", files)
    assert found == expected


NEVER_STOPPED = [
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.redis import RedisContainer


@pytest.fixture(scope="session")
def redis():
    container = RedisContainer("redis:7.2").with_command("redis-server --save ''").start()  # error: [container-never-stopped]
    yield container
'''}, id="chain-ending-in-start"),
    pytest.param({"tests/conftest.py": '''
from dataclasses import dataclass

import pytest
from testcontainers.redis import RedisContainer


@dataclass
class Server:
    url: str
    container: RedisContainer


def start_server(image):
    container = RedisContainer(image)
    container.start()
    return Server(url=container.get_connection_url(), container=container)


@pytest.fixture(scope="session")
def server():
    info = start_server("redis:7.2")
    yield info
    info.container.stop()


@pytest.fixture(scope="session")
def leaked():
    container = RedisContainer("redis:7.2")
    container.start()  # error: [container-never-stopped]
    yield {"url": container.get_connection_url(), "container": container}
'''}, id="handed-out-inside-a-wrapper"),
    pytest.param({"tests/conftest.py": '''
import pytest
from testcontainers.redis import RedisContainer


@pytest.fixture(scope="session")
def redis():
    container = RedisContainer("redis:7.2")
    container.start()
    try:
        yield container
    finally:
        container.stop()


@pytest.fixture(scope="session")
def stack():
    from contextlib import ExitStack

    with ExitStack() as exit_stack:
        yield exit_stack.enter_context(RedisContainer("redis:7.2"))
'''}, id="near-misses"),
]


@pytest.mark.parametrize("files", NEVER_STOPPED)
def test_container_never_stopped(project, files):
    found, expected = lint(project, "container-never-stopped", files)
    assert found == expected
