"""Which state a shared container's per-test cleanup can remove, and how (engine/shared_state.py)."""

from __future__ import annotations

import pytest

from tclint.engine.shared_state import Written, cleanup_for

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
        pytest.param(POSTGRES, [Written("rows", "users")], id="rows-of-a-table-the-tests-did-not-create"),
        pytest.param(POSTGRES, [CREATE_VOTES, Written("rows", "users")], id="and-rows-of-another-table"),
        pytest.param(POSTGRES, [Written("tables")], id="create-all-names-no-table"),
        pytest.param(POSTGRES, [Written("schema", "audit", "CREATE SCHEMA")], id="other-ddl"),
        pytest.param(POSTGRES, [Written("table", "Votes", "CREATE TABLE")], id="quoted-or-mixed-case-name"),
        pytest.param(REDIS, [Written("Redis keys"), Written("queues and messages")], id="redis-and-queues"),
        pytest.param("testcontainers.mysql.MySqlContainer", [CREATE_VOTES], id="mysql"),
    ],
)
def test_state_no_cleanup_removes(container, state):
    assert cleanup_for(container, state) is None
