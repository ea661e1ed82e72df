"""Which state a shared container's per-test cleanup can remove, and how (engine/shared_state.py)."""

from __future__ import annotations

import libcst as cst
import pytest
from helpers import write

from tclint.engine.shared_state import Written, cleanup_for, written_state
from tclint.runner import RunOptions, run
from tclint.settings import load_settings

POSTGRES = "testcontainers.postgres.PostgresContainer"
REDIS = "testcontainers.redis.RedisContainer"
CREATE_VOTES = Written("table", "votes", "CREATE TABLE")
DROP_VOTES = (
    """dropped = {container}.exec(["sh", "-c", 'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" """
    """-c "DROP TABLE IF EXISTS {tables} CASCADE"'])"""
)


@pytest.mark.parametrize(
    ("container", "state", "removes", "first"),
    [
        pytest.param(POSTGRES, [CREATE_VOTES], "drops the tables the tests create (`votes`)", DROP_VOTES.replace("{tables}", "votes"), id="created-table"),
        pytest.param(POSTGRES, [Written("rows", "votes"), CREATE_VOTES, Written("table", "polls", "CREATE TABLE")],
                     "drops the tables the tests create (`polls`, `votes`)", DROP_VOTES.replace("{tables}", "polls, votes"),
                     id="created-tables-and-their-rows"),  # fmt: skip
        pytest.param(REDIS, [Written("Redis keys")], "flushes the Redis keys", "client = {container}.get_client()", id="redis-keys"),
    ],
)
def test_state_the_cleanup_removes(container, state, removes, first):
    cleanup = cleanup_for(container, state)
    assert (cleanup.removes, cleanup.statements[0]) == (removes, first)


@pytest.mark.parametrize(
    ("container", "state"),
    [
        pytest.param(POSTGRES, [], id="nothing-written"),
        pytest.param(POSTGRES, [Written("rows", "users", "UPDATE")], id="rows-updated-in-a-table-the-tests-did-not-create"),
        pytest.param(POSTGRES, [Written("rows", "users", "INSERT INTO"), Written("rows", "users", "DELETE FROM")],
                     id="rows-inserted-and-deleted-in-a-table-the-tests-did-not-create"),
        pytest.param(POSTGRES, [CREATE_VOTES, Written("rows", "users", "TRUNCATE")], id="and-rows-of-another-table-truncated"),
        pytest.param(POSTGRES, [Written("rows", "users", "INSERT INTO"), Written("rows")], id="and-rows-through-an-orm"),
        pytest.param(POSTGRES, [Written("tables")], id="create-all-names-no-table"),
        pytest.param(POSTGRES, [Written("schema", "audit", "CREATE SCHEMA")], id="other-ddl"),
        pytest.param(POSTGRES, [Written("table", "Votes", "CREATE TABLE")], id="quoted-or-mixed-case-name"),
        pytest.param(REDIS, [Written("Redis keys"), Written("queues and messages")], id="redis-and-queues"),
        pytest.param("testcontainers.mysql.MySqlContainer", [CREATE_VOTES], id="mysql"),
    ],
)
def test_state_no_cleanup_removes(container, state):
    assert cleanup_for(container, state) is None


def test_rows_inserted_into_tables_the_tests_did_not_create_are_deleted_after_each_test():
    """Tables a fixture or migrations created (and maybe seeded): the per-test fixture reads the
    transaction id before the test and deletes the rows of the written tables newer than it."""
    cleanup = cleanup_for(POSTGRES, [Written("rows", "entries", "INSERT INTO"), CREATE_VOTES, Written("rows", "accounts", "INSERT INTO")])
    assert cleanup.removes == "drops the tables the tests create (`votes`) and deletes the rows the tests insert into `accounts`, `entries`"
    assert cleanup.before == (
        """marked = {container}.exec(["sh", "-c", 'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tA -c "SELECT txid_current()"'])""",
        "assert marked.exit_code == 0, marked.output",
    )
    assert cleanup.statements[0] == (
        """cleaned = {container}.exec(["sh", "-c", f'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "DROP TABLE IF EXISTS votes CASCADE; """
        """SET session_replication_role = replica; DELETE FROM accounts WHERE xmin::text::bigint > {{int(marked.output)}}; """
        """DELETE FROM entries WHERE xmin::text::bigint > {{int(marked.output)}}"'])"""
    )


def test_statements_name_the_table_and_the_write():
    found = written_state([cst.parse_module(
        'cursor.execute("INSERT INTO entries (amount) VALUES (1)")\ncursor.execute("delete from accounts")\n'
        'cursor.execute("TRUNCATE TABLE audit")\ncursor.execute("UPDATE entries SET amount = 2")\n')], None)  # fmt: skip
    assert [str(item) for item in found] == [
        "rows `accounts` (DELETE FROM)", "rows `audit` (TRUNCATE)", "rows `entries` (INSERT INTO)", "rows `entries` (UPDATE)",
    ]


def test_the_async_redis_container_gets_no_cleanup():
    """Its client's flushall() is a coroutine: a plain call in a sync fixture would never run it."""
    assert cleanup_for("testcontainers.redis.AsyncRedisContainer", [Written("Redis keys")]) is None


MODULE_FIXTURE = """\
import pytest
from testcontainers.community.redis import RedisContainer


@pytest.fixture
def redis_container():
    with RedisContainer("redis:7-alpine") as redis:
        yield redis


def test_set(redis_container):
    redis_container.get_client().set("k", "v")
"""
FIXTURE_METHOD = """\
import pytest
from testcontainers.community.redis import RedisContainer


class TestCache:
    @pytest.fixture
    def redis_container(self):
        with RedisContainer("redis:7-alpine") as redis:
            yield redis

    def test_set(self, redis_container):
        redis_container.get_client().set("k", "v")
"""


@pytest.mark.parametrize(
    ("source", "title"),
    [
        pytest.param(MODULE_FIXTURE, "Share one container through `redis_container_session`", id="module-fixture-split"),
        pytest.param(FIXTURE_METHOD, 'Set `scope="session"`', id="fixture-method-only-widened"),
    ],
)
def test_which_fixtures_are_split_into_session_and_per_test(tmp_path, monkeypatch, source, title):
    pinned = '[project]\nname = "cache"\ndependencies = ["testcontainers==4.15.0"]\n'
    write(tmp_path, {"pyproject.toml": pinned, "tests/test_cache.py": source})
    monkeypatch.chdir(tmp_path)
    result = run(["."], load_settings(None, tmp_path), RunOptions(unsafe=True, want_edits=True, cache=False, jobs=1))
    (diagnostic,) = [d for d in result.diagnostics if d.name == "function-scoped-container-fixture"]
    assert diagnostic.fix.message.startswith(title)


SCHEMA_HELPERS = """\
def create_venues(connection):
    connection.cursor().execute("CREATE TABLE venues (name text)")


def add_venue(connection, name):
    connection.cursor().execute("INSERT INTO venues (name) VALUES (%s)", (name,))
"""
TESTS_CALLING_HELPERS = """\
import psycopg2
from testcontainers.community.{module} import {container}

from tests.schema import add_venue, create_venues


def prepare(connection):
    create_venues(connection)


def test_add():
    with {container}("{image}") as database:
        connection = psycopg2.connect(database.get_connection_url(driver=None))
        prepare(connection)
        add_venue(connection, "hall")


def test_list():
    with {container}("{image}") as database:
        create_venues(psycopg2.connect(database.get_connection_url(driver=None)))
"""


@pytest.mark.parametrize(
    ("module", "container", "image", "note"),
    [
        pytest.param("mysql", "MySqlContainer", "mysql:8.0",
                     "shared, the container keeps what the tests write (rows `venues` (INSERT INTO), table `venues` (CREATE TABLE))",
                     id="mysql-names-the-table"),
        pytest.param("postgres", "PostgresContainer", "postgres:16-alpine",
                     "the fix shares it through a per-test fixture that drops the tables the tests create (`venues`)",
                     id="postgres-drops-it"),
    ],
)  # fmt: skip
def test_statements_are_followed_into_the_helpers_a_test_calls(tmp_path, monkeypatch, module, container, image, note):
    """A local helper that calls a helper imported from a project module, and an imported one called
    directly: their SQL is what the tests write."""
    tests = TESTS_CALLING_HELPERS.format(module=module, container=container, image=image)
    write(tmp_path, {"pyproject.toml": '[project]\nname = "venues"\ndependencies = ["testcontainers==4.15.0"]\n',
                     "tests/__init__.py": "", "tests/schema.py": SCHEMA_HELPERS, "tests/test_venues.py": tests})  # fmt: skip
    monkeypatch.chdir(tmp_path)
    result = run(["."], load_settings(None, tmp_path), RunOptions(unsafe=True, cache=False, jobs=1))
    messages = {d.message for d in result.diagnostics if d.name == "container-started-in-test"}
    assert len(messages) == 2 and all(note in message for message in messages), messages
