"""What tests write into the services they use: the state a container carries from one test to the
next once a fix makes them share it, and the per-test cleanup that gives each test a clean state again
when that state is one tclint can remove. Read from what the code does (the statements it executes,
the client methods it calls), never from names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from tclint.engine.model import descendants
from tclint.knowledge import STATE_STATEMENTS, STATE_WRITES

_STATEMENT = re.compile(STATE_STATEMENTS)
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?")  # unquoted: folded to lower case, as DROP folds it
POSTGRES = "PostgresContainer"
REDIS = "RedisContainer"  # not AsyncRedisContainer: its client's flushall() is a coroutine


@dataclass(frozen=True, order=True)
class Written:
    """One kind of state: `what` ("table", "rows", "Redis keys"...), with the object a statement names
    and the statement's verb ("CREATE TABLE") when it comes from SQL."""

    what: str
    name: str | None = None
    verb: str | None = None

    def __str__(self) -> str:
        if self.verb is not None:
            return f"{self.what} `{self.name}` ({self.verb})"
        if self.name is not None:
            return f"{self.what} of `{self.name}`"
        return self.what


@dataclass(frozen=True)
class Cleanup:
    """Statements that run after each test (`{container}` stands for the shared container) and what
    they remove, for the message."""

    removes: str
    statements: tuple[str, ...]


def written_state(nodes: Iterable[cst.CSTNode], model) -> list[Written]:
    """What the code writes, sorted by description. Statements come from string literals and from the
    constants a call passes (`cursor.execute(SCHEMA)`)."""
    found: dict[Written, None] = {}
    for root in nodes:
        for node in descendants(root):
            if isinstance(node, cst.SimpleString):
                _statements(node.evaluated_value, found)
            elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.args:
                what = STATE_WRITES.get(node.func.attr.value)
                if what is not None:
                    found[Written(what)] = None
                for arg in node.args:
                    if isinstance(arg.value, cst.Name):
                        held = model.string_of(arg.value)
                        _statements(held.text if held is not None else None, found)
    return sorted(found, key=str)


def _statements(text: object, found: dict[Written, None]) -> None:
    for match in _STATEMENT.finditer(text if isinstance(text, str) else ""):
        found[_described(match)] = None


def _described(match: re.Match) -> Written:
    if match.group("ddl"):
        verb = " ".join(match.group(0).split()[:2]).upper()  # CREATE TABLE, DROP SCHEMA...
        return Written(verb.split()[1].lower(), _unquoted(match.group("ddl")), verb)
    return Written("rows", _unquoted(match.group("insert") or match.group("update")))


def _unquoted(name: str) -> str:
    return name.strip("`\"")


def sharing_note(state: list[Written]) -> str:
    """The part of a message that says what a sharing fix would carry over from test to test."""
    if not state:
        return "; shared, it keeps whatever the tests write, which tclint cannot see here: `tclint verify` checks the fix"
    return f"; shared, the container keeps what the tests write ({', '.join(map(str, state[:3]))}): `tclint verify` checks the fix"


def cleanup_note(cleanup: Cleanup, through: str = "a per-test fixture") -> str:
    return f"; the fix shares it through {through} that {cleanup.removes} after each test"


def cleanup_for(container_class: str, state: list[Written]) -> Cleanup | None:
    """The cleanup that returns the shared container to the state a new one had, when every piece of
    written state is one it removes: the tables the tests create (and their rows) in PostgreSQL, dropped
    with `psql` inside the container; Redis keys, flushed through the container's client. None when the
    tests write nothing tclint can see, or something it cannot remove (rows of tables they did not
    create, other DDL, files, queues)."""
    kind = container_class.rsplit(".", 1)[-1]
    if not state:
        return None
    if kind == POSTGRES:
        return _drop_created_tables(state)
    if kind == REDIS and all(item.what == "Redis keys" for item in state):
        return Cleanup("flushes the Redis keys", ("client = {container}.get_client()", "client.flushall()", "client.close()"))
    return None


def _drop_created_tables(state: list[Written]) -> Cleanup | None:
    created = sorted({item.name for item in state if item.verb == "CREATE TABLE"})
    if not created or not all(_PLAIN_NAME.fullmatch(name) for name in created):
        return None
    for item in state:
        if item.name not in created or item.what not in ("table", "rows"):
            return None
    tables = ", ".join(created)
    command = f'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "DROP TABLE IF EXISTS {tables} CASCADE"'
    return Cleanup(
        f"drops the tables the tests create ({', '.join(f'`{name}`' for name in created)})",
        (f"dropped = {{container}}.exec([\"sh\", \"-c\", {command!r}])", "assert dropped.exit_code == 0, dropped.output"),
    )
