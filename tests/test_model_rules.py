"""Shapes from real suites for the rules built on the semantic model, each with the near misses that
must stay silent. Lines that should be reported end with `# error: [rule-name]`, as in the rule docs."""

from __future__ import annotations

import pytest
from helpers import write
from rule_docs import strip_markers

from tclint.runner import RunOptions, run
from tclint.settings import load_settings

CONFTEST = '''
import pytest
from testcontainers.community.postgres import PostgresContainer
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7.2-alpine") as redis:
        yield redis


@pytest.fixture(scope="session")
def postgres_container():
    with PostgresContainer("postgres:16-alpine") as postgres:
        yield postgres
'''

HARDCODED = [
    pytest.param('''
import redis


def test_tuple(redis_container):
    host, port = "localhost", 6379  # error: [hardcoded-container-address]
    client = redis.Redis(host, port)
    assert client.ping()
''', id="tuple-target-to-positional-client-arguments"),
    pytest.param('''
import psycopg


class Settings:
    DSN = "postgresql://test:test@localhost:5432/test"  # error: [hardcoded-container-address]


def test_settings_class(postgres_container):
    with psycopg.connect(Settings.DSN) as connection:
        assert connection.execute("select 1").fetchone()
''', id="class-constant-to-client-url"),
    pytest.param('''
import os

import redis


def test_environment(redis_container):
    os.environ["REDIS_URL"] = "redis://localhost:6379/0"  # error: [hardcoded-container-address]
    assert redis.from_url(os.environ["REDIS_URL"]).ping()
''', id="address-environment-variable"),
    pytest.param('''
import os

import redis
import uvicorn

from app import app

UNUSED = "http://localhost:9999"


def test_near_misses(redis_container, caplog):
    os.environ["NO_PROXY"] = "localhost,127.0.0.1"
    os.environ.setdefault("no_proxy", "localhost")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=8001))
    print("talking to localhost:6379 is wrong")
    url = redis_container.get_connection_url().replace("localhost", "127.0.0.1")
    client = redis.Redis(host=redis_container.get_container_host_ip(), port=int(redis_container.get_exposed_port(6379)))
    assert "localhost" not in url and client.ping() and server
''', id="near-misses-proxy-list-bind-address-log-line-unused-constant"),
    pytest.param('''
from testcontainers.core.container import DockerContainer


class GatewayContainer(DockerContainer):
    def __init__(self, image="gateway:1.4", http_port=9090):
        super().__init__(image)
        self.http_port = http_port
        self.with_exposed_ports(http_port).with_bind_ports(http_port, http_port)  # error: [hardcoded-container-address]
        self.ports = {"9443/tcp": 9443}  # error: [hardcoded-container-address]

    def endpoint(self):
        return f"http://localhost:{self.http_port}"  # error: [hardcoded-container-address]
''', id="container-subclass-fixed-ports-and-own-endpoint"),
    pytest.param('''
import pymongo


def test_fallbacks(redis_container, postgres_container):
    host = getattr(postgres_container, "host", "127.0.0.1")  # error: [hardcoded-container-address]
    url = f"postgresql://test:test@{host}:{postgres_container.get_exposed_port(5432)}/test"
    mapped = postgres_container.get_exposed_port(5432)
    port = mapped if mapped else 5432  # error: [hardcoded-container-address]
    assert connect(url, port=port)
''', id="getattr-default-and-internal-port-fallback"),
    pytest.param('''
import redis


def make_client(host="localhost", port=6379):
    return redis.Redis(host=host, port=port)


def test_helper_defaults():
    assert make_client()
''', id="near-miss-no-container-in-reach"),
    pytest.param('''
import pytest
from sqlalchemy import make_url
from testcontainers.postgres import PostgresContainer


@pytest.fixture(scope="session")
def template_url():
    with PostgresContainer("postgres:16.4") as postgres:
        yield postgres.get_connection_url()


@pytest.fixture
def database_url(template_url):
    yield make_url(template_url).set(database="test_1").render_as_string(hide_password=False)


def test_settings(database_url):
    url = make_url(database_url)
    assert connect(host=url.host, port=url.port or 5432)
''', id="near-miss-fallback-on-a-url-fixture-that-depends-on-a-container"),
    pytest.param('''
import unittest

from testcontainers.community.mysql import MySqlContainer

from app.config import DatabaseConfig

database = None


class DatabaseTestCase(unittest.TestCase):
    HOST = "127.0.0.1"  # error: [hardcoded-container-address]

    @classmethod
    def setUpClass(cls):
        global database
        if database is None:
            database = MySqlContainer("mysql:8.0.36").start()

    @classmethod
    def mapped_port(cls):
        raise NotImplementedError

    @classmethod
    def config(cls):
        return DatabaseConfig(host=cls.HOST, port=cls.mapped_port())


class MySqlTestCase(DatabaseTestCase):
    @classmethod
    def mapped_port(cls):
        return int(database.get_exposed_port(3306))
''', id="class-attribute-host-with-the-port-an-overriding-method-maps"),
    pytest.param('''
from app.client import ApiClient


class ServiceTestCase:
    HOST = "localhost"
    PORT = 8080

    def port(self):
        return self.PORT

    def client(self):
        return ApiClient(host=self.HOST, port=self.port())


class OtherServiceTestCase(ServiceTestCase):
    def port(self):
        return 9090


def local_client(server):
    return ApiClient(host=getattr(server, "host", "localhost"), port=server.port)
''', id="near-miss-class-attribute-host-with-a-port-no-container-maps"),
]


CLIENT = [
    pytest.param('''
import pytest
import redis


@pytest.fixture
def cache(redis_container, request):
    client = redis.Redis(host=redis_container.get_container_host_ip(), port=int(redis_container.get_exposed_port(6379)))
    request.addfinalizer(client.close)
    return client  # error: [client-fixture-without-cleanup]
''', id="return-with-a-finalizer-that-only-closes"),
    pytest.param('''
import pytest
import redis


@pytest.fixture
def cache(redis_container, request):
    client = redis.Redis(host=redis_container.get_container_host_ip(), port=int(redis_container.get_exposed_port(6379)))

    def cleanup():
        client.flushdb()
        client.close()

    request.addfinalizer(cleanup)
    return client
''', id="near-miss-nested-cleanup-registered"),
    pytest.param('''
import pytest
from sqlalchemy import create_engine, text

from app.repositories import UserRepository


@pytest.fixture
def users(postgres_container):
    engine = create_engine(postgres_container.get_connection_url())
    repository = UserRepository(engine)
    yield repository  # error: [client-fixture-without-cleanup]
    engine.dispose()


@pytest.fixture
def orders(postgres_container):
    engine = create_engine(postgres_container.get_connection_url())
    try:
        yield engine
    finally:
        with engine.begin() as connection:
            connection.execute(text("TRUNCATE orders"))
        engine.dispose()
''', id="repository-over-an-engine-closed-but-not-reset"),
    pytest.param('''
import asyncpg
import pytest_asyncio


@pytest_asyncio.fixture
async def pool(postgres_container):
    url = postgres_container.get_connection_url(driver=None)
    return await asyncpg.create_pool(url)  # error: [client-fixture-without-cleanup]
''', id="pool-returned"),
    pytest.param('''
import psycopg
import pytest
import requests


@pytest.fixture
def proxies(postgres_container):
    made = []

    def create(name):
        made.append(name)
        return requests.post(f"http://proxy/{name}").json()

    yield create
    for name in made:
        requests.delete(f"http://proxy/{name}")


@pytest.fixture
def proxied_url(postgres_container, proxies):
    return proxies("postgres")["url"]


@pytest.fixture
def connection(proxied_url):
    connection = psycopg.connect(proxied_url)
    yield connection  # error: [client-fixture-without-cleanup]
    connection.close()
''', id="a-factory-deleting-what-it-made-resets-nothing-of-the-tests"),
    pytest.param('''
import psycopg
import pytest


@pytest.fixture
def _empty_database(postgres_container):
    with psycopg.connect(postgres_container.get_connection_url(driver=None)) as connection:
        connection.execute("TRUNCATE users, orders")


@pytest.fixture
def connection(postgres_container, _empty_database):
    connection = psycopg.connect(postgres_container.get_connection_url(driver=None))
    yield connection
    connection.close()
''', id="near-miss-a-reset-fixture-it-depends-on"),
    pytest.param('''
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from testcontainers.community.postgres import PostgresContainer


@pytest.fixture(scope="session")
def db_port():
    with PostgresContainer("postgres:16-alpine") as postgres:
        yield postgres.get_exposed_port(5432)


@pytest.fixture(scope="session")
def engine(settings):
    return create_async_engine(settings.database_url)


@pytest.fixture
async def session(engine):
    session = AsyncSession(bind=engine)
    try:
        yield session  # error: [client-fixture-without-cleanup]
    finally:
        await session.close()
''', id="a-session-over-settings-from-a-plugin-beside-the-modules-container"),
    pytest.param('''
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine


@pytest.fixture(scope="session")
def engine(settings):
    return create_async_engine(settings.database_url)


@pytest.fixture
async def session(engine):
    session = AsyncSession(bind=engine)
    try:
        yield session
    finally:
        await session.close()
''', id="near-miss-no-container-in-reach-of-the-module"),
    pytest.param('''
import pika
import pytest


@pytest.fixture
def rabbitmq(rabbitmq_container):
    connection = pika.BlockingConnection(rabbitmq_container.get_connection_params())
    return rabbitmq_container, connection  # error: [client-fixture-without-cleanup]
''', id="a-connection-handed-out-in-a-tuple"),
    pytest.param('''
import pytest
import redis


@pytest.fixture
def client(redis_container):
    client = redis.Redis(host=redis_container.get_container_host_ip(), port=int(redis_container.get_exposed_port(6379)))
    yield client
    client.flushall()  # error-free: resets, but never closes
''', id="resets-but-never-closes"),
]
MOCKED = [
    pytest.param('''
import psycopg


def test_patched_to_the_real_database(mocker, postgres_container):
    mocker.patch("app.db.psycopg.connect", return_value=psycopg.connect(postgres_container.get_connection_url()))
    mocker.patch("app.cache.redis.Redis", return_value=None)  # error: [mocked-infrastructure]
''', id="a-patch-to-the-real-containers-connection-is-silent"),
]

SLEEPS = [
    pytest.param('''
import http.server
import threading
import time


def test_timeout_handling(mocker, redis_container):
    mocker.patch("app.client.fetch", side_effect=respond_late)
    injector = threading.Thread(target=drop_connections)
    injector.start()
    time.sleep(1)  # error: [sleep-in-test]


def respond_late(*args):
    time.sleep(3)


def drop_connections():
    for _ in range(3):
        time.sleep(0.5)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(2)
''', id="fakes-and-fault-injectors-sleep-on-purpose"),
]

CLIENT[-1] = pytest.param(CLIENT[-1].values[0].replace("    yield client\n", "    yield client  # error: [client-fixture-without-cleanup]\n"),
                          id="resets-but-never-closes")


def lint(project, source: str, rule: str):
    text, expected = strip_markers(source.lstrip("\n"))
    config = f'[tool.tclint]\nselect = ["{rule}"]\n'
    write(project, {"pyproject.toml": config, "tests/conftest.py": CONFTEST, "tests/test_shape.py": text})
    result = run(["."], load_settings(None, project), RunOptions(cache=False))
    assert result.errors == []
    found = sorted((d.line, d.name) for d in result.diagnostics if d.path == "tests/test_shape.py")
    return found, sorted(expected)


@pytest.mark.parametrize("source", HARDCODED)
def test_hardcoded_container_address(project, source):
    found, expected = lint(project, source, "hardcoded-container-address")
    assert found == expected


@pytest.mark.parametrize("source", CLIENT)
def test_client_fixture_without_cleanup(project, source):
    found, expected = lint(project, source, "client-fixture-without-cleanup")
    assert found == expected


@pytest.mark.parametrize("source", MOCKED)
def test_mocked_infrastructure(project, source):
    found, expected = lint(project, source, "mocked-infrastructure")
    assert found == expected


@pytest.mark.parametrize("source", SLEEPS)
def test_sleep_in_test(project, source):
    found, expected = lint(project, source, "sleep-in-test")
    assert found == expected


MYSQL_DEFAULT_HOST = '''
import types

import pymysql
import pytest
from testcontainers.mysql import MySqlContainer


@pytest.fixture(scope="session")
def mysql_container():
    with MySqlContainer("mysql:8.0") as mysql:
        yield mysql


def connect(mysql_container, settings):
    host = getattr(settings, "host", "127.0.0.1")
    return pymysql.connect(host=host, port=int(mysql_container.get_exposed_port(3306)), user="test", password="test")


def test_select(mysql_container):
    assert connect(mysql_container, types.SimpleNamespace())
'''


def test_loopback_host_fix_is_unsafe_and_says_why(project):
    """A `127.0.0.1` default replaced by get_container_host_ip(), which can return `localhost`: a MySQL
    client then opens a unix socket instead of TCP, so the fix is unsafe and the message says so."""
    write(project, {"pyproject.toml": '[tool.tclint]\nselect = ["hardcoded-container-address"]\n',
                    "tests/test_mysql.py": MYSQL_DEFAULT_HOST})  # fmt: skip
    result = run(["."], load_settings(None, project), RunOptions(cache=False))
    (diagnostic,) = result.diagnostics
    assert diagnostic.fix is not None and diagnostic.fix.applicability == "unsafe"
    assert "can return `localhost`, which MySQL clients open as a unix socket" in diagnostic.message
