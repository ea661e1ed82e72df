"""Facts about the APIs tclint's rules target, in one place.

Most tables are generated from the testcontainers and pytest sources (`generated.py`, see
`generate.py`); the few facts no source states are kept here by hand, each with its reason.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import re
from dataclasses import dataclass

from tclint.knowledge.generated import (
    CONTAINER_ALIASES,
    CONTAINER_CLASSES,
    DEPRECATED_FUNCTIONS,
    LEGACY_MODULES,
    PYTEST_FIXTURE_SCOPES,
    PYTEST_VERSION,
    TESTCONTAINERS_VERSION,
)

__all__ = [
    "DEPRECATED_FUNCTIONS", "LEGACY_MODULES", "PYTEST_VERSION", "TESTCONTAINERS_VERSION", "ContainerClass", "FIXTURE_DECORATORS",
    "CLIENTS", "CONTAINER_ACCESSORS", "IN_MEMORY_FAKES", "INFRASTRUCTURE", "MOCK_FACTORIES", "Client", "SCOPES", "SLEEP_FUNCTIONS", "canonical_name", "client_method_type", "container_class", "fixture_scope", "narrower", "scope_rank",
]  # fmt: skip

# Bases that make a class a unittest-style test case (its methods are tests, setUp runs per test).
TESTCASE_BASES = frozenset({
    "unittest.TestCase", "unittest.IsolatedAsyncioTestCase", "unittest.case.TestCase",
    "unittest.async_case.IsolatedAsyncioTestCase", "django.test.TestCase", "django.test.TransactionTestCase",
    "django.test.SimpleTestCase", "django.test.LiveServerTestCase", "asynctest.TestCase",
})  # fmt: skip
# Methods that register a callable to run later: pytest's request.addfinalizer, atexit.register,
# unittest's addCleanup/addClassCleanup, ExitStack.callback.
FINALIZER_METHODS = frozenset({"addfinalizer", "register", "addCleanup", "addClassCleanup", "addAsyncCleanup", "callback", "push_async_callback"})
# What a container hands out for reaching it from the test (testcontainers' DockerContainer and
# DockerCompose methods).
CONTAINER_HOST_METHODS = frozenset({"get_container_host_ip", "get_service_host", "get_docker_host", "get_host"})
CONTAINER_PORT_METHODS = frozenset({"get_exposed_port", "get_service_port", "get_port"})
CONTAINER_URL_METHODS = frozenset({
    "get_connection_url", "get_url", "get_connection_string", "get_bootstrap_server", "get_service_host_and_port",
    "get_api_url", "get_base_url", "get_http_url", "get_uri", "get_dsn", "get_amqp_url", "get_connection_params",
})  # fmt: skip
COMPOSE_CLASSES = frozenset({"testcontainers.compose.DockerCompose", "testcontainers.compose.compose.DockerCompose"})
# pytest-mock's `mocker` methods that patch or build a mock (its API mirrors unittest.mock's).
MOCKER_METHODS = frozenset({"patch", "patch.object", "Mock", "MagicMock", "AsyncMock", "create_autospec", "NonCallableMagicMock"})
# Mocks that, built with no arguments, stand in for anything.
BARE_MOCKS = frozenset({"unittest.mock.Mock", "unittest.mock.MagicMock", "unittest.mock.AsyncMock", "mock.Mock", "mock.MagicMock"})
FIXTURE_DECORATORS = frozenset({"pytest.fixture", "_pytest.fixtures.fixture", "pytest_asyncio.fixture"})
SCOPES = ("function", "class", "module", "package", "session")

# Fixtures of common plugins (not in pytest's own source). pytest-mock's scoped mockers are named
# after their scope; pytest-asyncio's ports are function-scoped.
PLUGIN_FIXTURE_SCOPES = {
    "mocker": "function", "class_mocker": "class", "module_mocker": "module",
    "package_mocker": "package", "session_mocker": "session",
    "unused_tcp_port": "function", "unused_udp_port": "function",
    "unused_tcp_port_factory": "function", "unused_udp_port_factory": "function",
    "event_loop": "function", "event_loop_policy": "session",
}  # fmt: skip

# Functions that block or suspend for a given time (no source to generate this from: the list is ours).
SLEEP_FUNCTIONS = frozenset({"time.sleep", "asyncio.sleep", "anyio.sleep", "trio.sleep", "gevent.sleep"})

# Container methods that configure and return the container itself (DockerContainer.with_* and co).
SELF_RETURNING_METHODS = frozenset({"waiting_for", "maybe_emulate_amd64", "start"})


# Images pinned by the unpinned-container-image fix unless `[tool.tclint.image-pins]` says otherwise:
# the versions the testcontainers guide recommends.
DEFAULT_IMAGE_PINS = {
    "postgres": "16.0-alpine", "redis": "7.2-alpine", "localstack/localstack": "3.0.2",
    "mockserver/mockserver": "5.15.0", "confluentinc/cp-kafka": "7.5.0",
}  # fmt: skip

# Context managers of client libraries that start a container and yield it (not testcontainers
# classes, so not in the generated tables).
CONTAINER_FACTORIES = frozenset({"wiremock.testing.testcontainer.wiremock_container"})

# Tags that name only a variant (a base image, a flavour), no version: they move with every release.
VARIANT_TAG_WORDS = frozenset({
    "alpine", "slim", "bookworm", "bullseye", "buster", "trixie", "jammy", "focal", "noble", "bionic", "ubi",
    "management", "stable", "lts", "community", "enterprise",
})  # fmt: skip

# Gone from testcontainers (3.x names and modules), so not in its source: what replaces them.
REMOVED_MODULES = {"testcontainers.general": "testcontainers.core.container.DockerContainer"}
REMOVED_ATTRIBUTES = {
    "POSTGRES_USER": "username", "POSTGRES_PASSWORD": "password", "POSTGRES_DB": "dbname",
    "MYSQL_USER": "username", "MYSQL_PASSWORD": "password", "MYSQL_DATABASE": "dbname",
    "MYSQL_ROOT_PASSWORD": "root_password", "port_to_expose": "port",
}  # fmt: skip
# `wait_for_logs` warns only for a text or callable predicate; a WaitStrategy one is the new API.
WAIT_STRATEGY_OK = {"testcontainers.core.waiting_utils.wait_for_logs"}


@dataclass(frozen=True)
class Client:
    """A client of a container-backed service: how it is built from the container's address, and what
    a test must do with it when it is done (close it, and reset the data tests wrote)."""

    label: str
    cleanup: tuple[str, ...]  # statements the fix writes; {client} is the variable, {database} the database name
    awaited: bool = False  # the cleanup is awaited (an asyncio client)
    needs_database: bool = False
    closes: tuple[str, ...] = ("close",)  # methods that close it (empty: nothing to close)
    resets: tuple[str, ...] = ()  # methods that remove what tests wrote (empty: it holds no data of its own)
    host: tuple[int | None, str] | None = None  # the host parameter: (position or None, keyword)
    port: tuple[int | None, str] | None = None
    url: tuple[int | None, str] | None = None  # a URL or DSN parameter


_SQL_RESETS = ("rollback", "execute", "drop_all", "truncate")  # execute: a TRUNCATE/DELETE/DROP, checked by text
_REDIS = Client("Redis client", ("{client}.flushdb()", "{client}.close()"), closes=("close",), resets=("flushdb", "flushall"),
                host=(0, "host"), port=(1, "port"))  # fmt: skip
_REDIS_URL = dataclasses.replace(_REDIS, host=None, port=None, url=(0, "url"))
_ASYNC_REDIS = Client("asyncio Redis client", ("await {client}.flushdb()", "await {client}.aclose()"), awaited=True,
                      closes=("aclose", "close"), resets=("flushdb", "flushall"), host=(0, "host"), port=(1, "port"))  # fmt: skip
_ASYNC_REDIS_URL = dataclasses.replace(_ASYNC_REDIS, host=None, port=None, url=(0, "url"))
_ENGINE = Client("SQLAlchemy engine", ("{client}.dispose()",), closes=("dispose",), resets=_SQL_RESETS, url=(0, "url"))
_ASYNC_ENGINE = Client("SQLAlchemy async engine", ("await {client}.dispose()",), awaited=True, closes=("dispose",),
                       resets=_SQL_RESETS, url=(0, "url"))  # fmt: skip
_CONNECTION = Client("database connection", ("{client}.close()",), resets=_SQL_RESETS, url=(0, "dsn"), host=(None, "host"), port=(None, "port"))
_ASYNC_CONNECTION = Client("database connection", ("await {client}.close()",), awaited=True, resets=_SQL_RESETS,
                           url=(0, "dsn"), host=(None, "host"), port=(None, "port"))  # fmt: skip
# A pool lends connections and takes them back: closing it is its cleanup; the data tests write
# through a borrowed connection is the connection's (or a reset fixture's) to remove.
_POOL = dataclasses.replace(_CONNECTION, label="connection pool", resets=())
_ASYNC_POOL = dataclasses.replace(_ASYNC_CONNECTION, label="connection pool", resets=())
_MONGO = Client("MongoDB client", ("{client}.drop_database({database})", "{client}.close()"), needs_database=True,
                resets=("drop_database", "drop_collection", "delete_many"), host=(0, "host"), port=(1, "port"))  # fmt: skip
_MOTOR = Client("Motor client", ("await {client}.drop_database({database})", "{client}.close()"), awaited=True, needs_database=True,
                resets=("drop_database", "drop_collection", "delete_many"), host=(0, "host"), port=(1, "port"))  # fmt: skip
_HTTP = Client("HTTP client", ("{client}.close()",), url=(None, "base_url"))
_ASYNC_HTTP = Client("HTTP client", ("await {client}.aclose()",), awaited=True, closes=("aclose",), url=(None, "base_url"))
_AWS_RESETS = ("delete_object", "delete_objects", "delete_bucket", "purge_queue", "delete_queue", "delete_table", "delete_topic",
               "delete_secret", "delete_parameter", "delete_stream", "empty", "delete")  # fmt: skip
_NO_CLEANUP = Client("AWS client", (), closes=(), resets=_AWS_RESETS, url=(None, "endpoint_url"))
_KAFKA = Client("Kafka client", (), closes=("close", "stop", "flush"), resets=("delete_topics",), url=(None, "bootstrap_servers"))
_KAFKA_CONSUMER = dataclasses.replace(_KAFKA, label="Kafka consumer", resets=())  # it reads: nothing of its own to remove
# A session opened on an engine: closing it returns the connection, rolling back (or truncating)
# removes what the test wrote. No fix: whether a rollback is enough depends on whether tests commit.
_SESSION = Client("SQLAlchemy session", (), resets=_SQL_RESETS)
_RABBIT = Client("RabbitMQ connection", (), resets=("queue_purge", "queue_delete", "purge"), host=(0, "host"), port=(1, "port"))
_SEARCH = Client("search client", (), resets=("delete", "delete_by_query", "delete_index"), url=(0, "hosts"))
# By the constructor a fixture calls, or the type a container's get_*client method returns (read from
# the testcontainers source, see CONTAINER_CLASSES' client_methods).
CLIENTS = {
    "redis.Redis": _REDIS, "redis.StrictRedis": _REDIS, "redis.client.Redis": _REDIS, "redis.from_url": _REDIS_URL,
    "redis.Redis.from_url": _REDIS_URL, "redis.asyncio.Redis": _ASYNC_REDIS, "redis.asyncio.from_url": _ASYNC_REDIS_URL,
    "redis.asyncio.Redis.from_url": _ASYNC_REDIS_URL, "redis.asyncio.client.Redis": _ASYNC_REDIS,
    "sqlalchemy.create_engine": _ENGINE, "sqlalchemy.engine.create_engine": _ENGINE,
    "sqlalchemy.ext.asyncio.create_async_engine": _ASYNC_ENGINE,
    "psycopg.connect": _CONNECTION, "psycopg2.connect": _CONNECTION, "pymysql.connect": _CONNECTION,
    "psycopg.AsyncConnection.connect": _ASYNC_CONNECTION, "asyncpg.connect": _ASYNC_CONNECTION,
    "asyncpg.create_pool": _ASYNC_POOL, "psycopg_pool.ConnectionPool": _POOL,
    "psycopg_pool.AsyncConnectionPool": _ASYNC_POOL,
    "pymongo.MongoClient": _MONGO, "motor.motor_asyncio.AsyncIOMotorClient": _MOTOR,
    "httpx.Client": _HTTP, "httpx.AsyncClient": _ASYNC_HTTP, "requests.Session": _HTTP,
    "fastapi.testclient.TestClient": _HTTP, "starlette.testclient.TestClient": _HTTP,
    "boto3.client": _NO_CLEANUP, "boto3.resource": _NO_CLEANUP, "aioboto3.Session": _NO_CLEANUP,
    "aiobotocore.session.get_session": _NO_CLEANUP,
    "kafka.KafkaProducer": _KAFKA, "kafka.KafkaConsumer": _KAFKA_CONSUMER, "kafka.KafkaAdminClient": _KAFKA,
    "aiokafka.AIOKafkaProducer": _KAFKA, "aiokafka.AIOKafkaConsumer": _KAFKA_CONSUMER, "confluent_kafka.Producer": _KAFKA,
    "confluent_kafka.Consumer": _KAFKA_CONSUMER, "pika.BlockingConnection": _RABBIT, "pika.ConnectionParameters": _RABBIT,
    "aio_pika.connect_robust": _RABBIT, "aio_pika.connect": _RABBIT,
    "elasticsearch.Elasticsearch": _SEARCH, "opensearchpy.OpenSearch": _SEARCH,
    "sqlalchemy.orm.Session": _SESSION, "sqlalchemy.orm.session.Session": _SESSION,
    "sqlalchemy.ext.asyncio.AsyncSession": _SESSION, "sqlalchemy.ext.asyncio.session.AsyncSession": _SESSION,
}  # fmt: skip
# Requests that reach a URL directly (the URL is their first argument).
URL_REQUESTS = frozenset({
    "requests.get", "requests.post", "requests.put", "requests.delete", "requests.head", "requests.patch",
    "requests.request", "httpx.get", "httpx.post", "httpx.put", "httpx.delete", "httpx.head", "httpx.patch",
    "httpx.request", "urllib.request.urlopen", "urllib3.request",
})  # fmt: skip
# Method names that close a client or reset its data, for clients not in the table above
# (`close`, `aclose`, `async_close`, `on_shutdown`, `_disconnect`, `__aexit__`...).
CLOSE_WORDS = r"^_?(a|async_|on_)?(close|dispose|disconnect|shutdown|stop|terminate|quit|release|logout)|^__a?exit__$"
# (`downgrade`: an alembic migration down to the base drops every table)
RESET_WORDS = r"^_?(flush|truncate|rollback|delete|drop|purge|clear|reset|clean|wipe|remove|empty|destroy|teardown|tear_down|downgrade)"
RESET_STATEMENTS = r"(?i)\b(truncate|delete\s+from|drop\s+(table|schema|database|collection|index))\b"
# Objects built from a container's address that hold settings, not a connection.
SETTINGS_NAME = r"(?i)(config|configuration|settings|options|opts|params|parameters|url|uri|dsn|info|address|credentials|env|environ|dict|str|int|tuple|list|join|format|path)$"
# Servers a test runs itself: a host given to them is an address to bind, not one to reach.
LOCAL_SERVERS = frozenset({
    "uvicorn.Config", "uvicorn.Server", "uvicorn.run", "hypercorn.config.Config", "aiohttp.web.TCPSite",
    "aiohttp.web.run_app", "wsgiref.simple_server.make_server", "werkzeug.serving.make_server",
    "werkzeug.serving.run_simple", "asyncio.start_server", "http.server.HTTPServer", "http.server.ThreadingHTTPServer",
    "socketserver.TCPServer", "socketserver.ThreadingTCPServer",
})  # fmt: skip
# Fixture names that say a container is behind them when tclint cannot see their definition: the
# container itself, and (only in a module that imports testcontainers: elsewhere these names are
# anything, a tenth of the files of ten popular test suites) what the three-fixture pattern derives.
CONTAINER_FIXTURE_SUFFIX = "_container"
DERIVED_FIXTURE_SUFFIXES = ("_config", "_url", "_dsn")
# Words in a fixture's name that say it stands for a service (with "mock", "fake"...: a stand-in).
SERVICE_WORDS = (r"redis|db|database|postgres|pg|mysql|maria|mongo|s3|sqs|sns|dynamo|kafka|rabbit|queue|"
                 r"cache|elastic|opensearch|storage|bucket|broker|sql")  # fmt: skip
# Words that say a client of a type tclint does not know holds data tests write (so it must be reset,
# not only closed): the service words, and the shapes of data access. A bare `Connection`, `Pool`,
# `Engine` or `Session` of an unknown library says how it connects, not what it holds.
DATA_WORDS = SERVICE_WORDS + r"|repo|store|collection|table|index|topic"
# Methods of containers that hand out a way to reach the service.
CONTAINER_ACCESSORS = frozenset({
    "get_client", "get_async_client", "get_connection_client", "get_connection_url", "get_url",
    "get_container_host_ip", "get_exposed_port",
})  # fmt: skip


# Infrastructure packages (the default of mocked-infrastructure's `infrastructure-packages`) and the
# containers that run the real thing.
INFRASTRUCTURE = {
    "redis": ("testcontainers.redis.RedisContainer", "testcontainers.redis.AsyncRedisContainer"),
    "sqlalchemy": ("testcontainers.postgres.PostgresContainer", "testcontainers.mysql.MySqlContainer"),
    "psycopg": ("testcontainers.postgres.PostgresContainer",),
    "psycopg2": ("testcontainers.postgres.PostgresContainer",),
    "asyncpg": ("testcontainers.postgres.PostgresContainer",),
    "pymongo": ("testcontainers.mongodb.MongoDbContainer",),
    "motor": ("testcontainers.mongodb.MongoDbContainer",),
    "boto3": ("testcontainers.localstack.LocalStackContainer",),
    "botocore": ("testcontainers.localstack.LocalStackContainer",),
    "aiobotocore": ("testcontainers.localstack.LocalStackContainer",),
    "aioboto3": ("testcontainers.localstack.LocalStackContainer",),
    "kafka": ("testcontainers.kafka.KafkaContainer",),
    "aiokafka": ("testcontainers.kafka.KafkaContainer",),
    "confluent_kafka": ("testcontainers.kafka.KafkaContainer",),
    "pika": ("testcontainers.rabbitmq.RabbitMqContainer",),
    "aio_pika": ("testcontainers.rabbitmq.RabbitMqContainer",),
    "elasticsearch": ("testcontainers.elasticsearch.ElasticSearchContainer",),
    "opensearchpy": ("testcontainers.opensearch.OpenSearchContainer",),
    "pymysql": ("testcontainers.mysql.MySqlContainer",),
    "mysql.connector": ("testcontainers.mysql.MySqlContainer",),
}  # fmt: skip
# Libraries that stand in for a service in memory, and the service's own package (its containers, by INFRASTRUCTURE).
IN_MEMORY_FAKES = {"fakeredis": "redis", "mongomock": "pymongo", "mongomock_motor": "motor", "moto": "boto3"}
MOCK_FACTORIES = frozenset({
    "unittest.mock.Mock", "unittest.mock.MagicMock", "unittest.mock.AsyncMock", "unittest.mock.NonCallableMock",
    "unittest.mock.NonCallableMagicMock", "unittest.mock.create_autospec", "unittest.mock.patch",
    "unittest.mock.patch.object", "mock.Mock", "mock.MagicMock", "mock.AsyncMock", "mock.create_autospec",
    "mock.patch", "mock.patch.object",
})  # fmt: skip


@functools.cache
def public_image_names() -> frozenset[str]:
    """The images testcontainers' classes default to and the pinned defaults: names pulled from a registry."""
    defaults = (facts["default_image"] for facts in CONTAINER_CLASSES.values() if facts["default_image"])
    return frozenset({*(image.rsplit(":", 1)[0] for image in defaults), *DEFAULT_IMAGE_PINS})


def client_method_type(container: str, method: str) -> str | None:
    facts = CONTAINER_CLASSES.get(container)
    return facts["client_methods"].get(method) if facts else None


@dataclass(frozen=True)
class ContainerClass:
    qualname: str
    default_image: str | None
    waits_until_ready: bool
    ports: tuple[int, ...]
    configured: bool = False  # named by the `container-classes` setting, not by testcontainers
    deprecated_parameters: tuple[tuple[str, str], ...] = ()
    deprecated: bool = False
    image_position: int | None = 0  # where `image` is among the constructor's positional arguments
    ready_logs: tuple[str, ...] = ()  # the log patterns its own readiness check waits for

    @property
    def short_name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


def canonical_name(name: str) -> str:
    """Both testcontainers layouts (`testcontainers.x` and `testcontainers.community.x`) as one."""
    if name.startswith("testcontainers.community."):
        name = "testcontainers." + name[len("testcontainers.community.") :]
    return CONTAINER_ALIASES.get(name, name)


def container_class(qualname: str | None, configured: tuple[str, ...] = ()) -> ContainerClass | None:
    if qualname is None:
        return None
    facts = CONTAINER_CLASSES.get(qualname)
    if facts is not None:
        return ContainerClass(qualname, facts["default_image"], facts["waits_until_ready"], facts["ports"],
                              deprecated_parameters=tuple(facts["deprecated_parameters"].items()),
                              deprecated=facts["deprecated"], image_position=facts["image_position"],
                              ready_logs=facts["ready_logs"])  # fmt: skip
    if any(fnmatch.fnmatchcase(qualname, pattern) for pattern in configured):
        return ContainerClass(qualname, None, False, (), configured=True)
    return None


def log_seen_by_readiness(text: str, cls: ContainerClass) -> bool:
    """Whether the class's own readiness check already waits for a log line that `text` (a pattern, as
    `wait_for_logs` reads it) finds: the check's pattern written out as a line it matches."""
    for pattern in cls.ready_logs:
        line = re.sub(r"\\d\+?", "1", pattern)
        line = re.sub(r"\\s[*+]?", " ", line).replace("\\n", "\n").replace(".*", "")
        line = re.sub(r"\\(.)", r"\1", line).strip("^$")
        try:
            if re.search(text, line):
                return True
        except re.error:
            return False
    return False


def is_self_returning(method: str) -> bool:
    return method.startswith("with_") or method in SELF_RETURNING_METHODS


def fixture_scope(name: str) -> str | None:
    """The scope of a pytest or plugin built-in fixture, None when it is not one."""
    return PYTEST_FIXTURE_SCOPES.get(name) or PLUGIN_FIXTURE_SCOPES.get(name)


def scope_rank(scope: str) -> int:
    return SCOPES.index(scope)


def narrower(scope: str, than: str) -> bool:
    return scope_rank(scope) < scope_rank(than)

# What a test writes into a service it shares with the next test, by client method (the state a shared
# container carries over), and by SQL statement (in the strings a test executes).
STATE_WRITES = {
    **dict.fromkeys(("set", "hset", "mset", "setex", "lpush", "rpush", "sadd", "zadd", "incr", "incrby", "xadd",
                     "json_set"), "Redis keys"),  # fmt: skip
    **dict.fromkeys(("create_all",), "tables"),
    **dict.fromkeys(("add", "add_all", "bulk_save_objects", "merge"), "rows"),
    **dict.fromkeys(("insert_one", "insert_many", "create_collection", "replace_one"), "documents"),
    **dict.fromkeys(("create_bucket", "put_object", "upload_file", "upload_fileobj"), "buckets and objects"),
    **dict.fromkeys(("create_queue", "send_message", "send_message_batch", "queue_declare", "basic_publish"), "queues and messages"),
    **dict.fromkeys(("create_topics", "produce", "send_and_wait"), "topics and messages"),
    **dict.fromkeys(("index", "create_index", "bulk"), "indexes"),
}
STATE_STATEMENTS = (
    r"(?i)\b(?:create|drop|alter)\s+(?:table|schema|database|index|view)\s+(?:if\s+(?:not\s+)?exists\s+)?"
    r"(?P<ddl>[\w.\"`]+)|\binsert\s+into\s+(?P<insert>[\w.\"`]+)|\bupdate\s+(?P<update>[\w.\"`]+)\s+set\b"
    r"|\bdelete\s+from\s+(?P<delete>[\w.\"`]+)|\btruncate\s+(?:table\s+)?(?P<truncate>[\w.\"`]+)"
)
