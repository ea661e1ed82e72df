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
    before: tuple[str, ...] = ()  # statements that run before each test (what the cleanup needs to know)


def written_state(nodes: Iterable[cst.CSTNode], model) -> list[Written]:
    """What the code writes, sorted by description. Statements come from string literals and from the
    constants a call passes (`cursor.execute(SCHEMA)`), in the code and in the helper functions it calls:
    this module's (followed into the helpers they call) and those of project modules it imports (their
    facts)."""
    found: dict[Written, None] = {}
    _write_into(list(nodes), model, found, set())
    return sorted(found, key=str)


def _write_into(nodes: list[cst.CSTNode], model, found: dict[Written, None], followed: set[str]) -> None:
    for root in nodes:
        for node in descendants(root):
            if isinstance(node, cst.SimpleString):
                _statements(node.evaluated_value, found)
            elif isinstance(node, cst.Call):
                _call_writes(node, model, found, followed)


def _call_writes(node: cst.Call, model, found: dict[Written, None], followed: set[str]) -> None:
    if isinstance(node.func, cst.Attribute) and node.args:
        what = STATE_WRITES.get(node.func.attr.value)
        if what is not None:
            found[Written(what)] = None
        for arg in node.args:
            if isinstance(arg.value, cst.Name) and model is not None:
                held = model.string_of(arg.value)
                _statements(held.text if held is not None else None, found)
    if model is None:
        return
    helper = model.module_functions.get(node.func.value) if isinstance(node.func, cst.Name) else None
    if helper is not None and helper.fixture is None and not helper.is_test:
        if helper.name not in followed:
            followed.add(helper.name)
            _write_into([helper.node.body], model, found, followed)
        return
    for item in imported_writes(node.func, model):
        found[item] = None


def imported_writes(func: cst.BaseExpression, model) -> list[Written]:
    """What a helper function of another project module writes, from that module's facts."""
    qualname = model.qualified(func) if model.project.modules else None
    imported = model.project.imported(qualname) if qualname and not qualname.startswith("testcontainers.") else None
    if imported is None:
        return []
    facts, name = imported
    return [Written(*item) for function, items in facts.writes if function == name for item in items]


def helper_writes(model) -> tuple[tuple[str, tuple[tuple[str, str | None, str | None], ...]], ...]:
    """What each helper function of the module writes (not fixtures, not tests), for the facts other
    modules read."""
    found = []
    for name, function in model.module_functions.items():
        if function.fixture is None and not function.is_test:
            state = written_state([function.node.body], model)
            if state:
                found.append((name, tuple((item.what, item.name, item.verb) for item in state)))
    return tuple(found)


def _statements(text: object, found: dict[Written, None]) -> None:
    for match in _STATEMENT.finditer(text if isinstance(text, str) else ""):
        found[_described(match)] = None


def _described(match: re.Match) -> Written:
    if match.group("ddl"):
        verb = " ".join(match.group(0).split()[:2]).upper()  # CREATE TABLE, DROP SCHEMA...
        return Written(verb.split()[1].lower(), _unquoted(match.group("ddl")), verb)
    if match.group("insert"):
        return Written("rows", _unquoted(match.group("insert")), "INSERT INTO")
    if match.group("delete"):
        return Written("rows", _unquoted(match.group("delete")), "DELETE FROM")
    if match.group("truncate"):
        return Written("rows", _unquoted(match.group("truncate")), "TRUNCATE")
    return Written("rows", _unquoted(match.group("update")), "UPDATE")


def _unquoted(name: str) -> str:
    return name.strip("`\"")


def sharing_note(state: list[Written]) -> str:
    """The part of a message that says what a sharing fix would carry over from test to test."""
    if not state:
        return "; shared, it keeps whatever the tests write, which tclint cannot see here: `tclint verify` checks the fix"
    return f"; shared, the container keeps what the tests write ({', '.join(map(str, state[:3]))}): `tclint verify` checks the fix"


def per_test_body(cleanup: Cleanup, container: str, indent: str) -> str:
    """The body of the per-test fixture over `container`: what the cleanup reads before the test, the
    container handed to the test, the cleanup."""
    before = "".join(f"{indent}{statement.format(container=container)}\n" for statement in cleanup.before)
    after = "".join(f"{indent}{statement.format(container=container)}\n" for statement in cleanup.statements)
    return f"{before}{indent}yield {container}\n{after}"


def cleanup_note(cleanup: Cleanup, through: str = "a per-test fixture") -> str:
    return f"; the fix shares it through {through} that {cleanup.removes} after each test"


def cleanup_for(container_class: str, state: list[Written]) -> Cleanup | None:
    """The cleanup that returns the shared container to the state a new one had, when every piece of
    written state is one it removes: in PostgreSQL, the tables the tests create (and their rows),
    dropped, and the rows the tests insert into tables that were there before the test (a fixture's or
    migrations'), deleted (those newer than the transaction id read before the test), all with `psql`
    inside the container; Redis keys, flushed through the container's client. None when the tests write
    nothing tclint can see, or something it cannot remove (rows they update or delete in tables they did
    not create, rows written through an ORM, other DDL, files, queues)."""
    kind = container_class.rsplit(".", 1)[-1]
    if not state:
        return None
    if kind == POSTGRES:
        return _postgres_cleanup(state)
    if kind == REDIS and all(item.what == "Redis keys" for item in state):
        return Cleanup("flushes the Redis keys", ("client = {container}.get_client()", "client.flushall()", "client.close()"))
    return None


PSQL = 'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'


def _postgres_cleanup(state: list[Written]) -> Cleanup | None:
    created = sorted({item.name for item in state if item.verb == "CREATE TABLE"})
    inserted = sorted({item.name for item in state if item.verb == "INSERT INTO"} - set(created))
    names = [*created, *inserted]
    if not names or not all(item.name is not None and _PLAIN_NAME.fullmatch(item.name) for item in state):
        return None
    for item in state:
        if item.what not in ("table", "rows") or (item.name not in created and item.verb != "INSERT INTO"):
            return None
    if not inserted:
        return _drop_created_tables(created)
    # rows newer than the transaction id read before the test are the test's: seeded rows stay; the
    # replication role skips foreign-key triggers, so the tables' order does not matter
    deletes = "; ".join(f"DELETE FROM {name} WHERE xmin::text::bigint > {{{{int(marked.output)}}}}" for name in inserted)
    drop = f"DROP TABLE IF EXISTS {', '.join(created)} CASCADE; " if created else ""
    command = f"{PSQL} -c \"{drop}SET session_replication_role = replica; {deletes}\""
    removes = [f"deletes the rows the tests insert into {_listed(inserted)}"]
    if created:
        removes.insert(0, f"drops the tables the tests create ({_listed(created)})")
    return Cleanup(
        " and ".join(removes),
        (f"cleaned = {{container}}.exec([\"sh\", \"-c\", f{command!r}])", "assert cleaned.exit_code == 0, cleaned.output"),
        (f"marked = {{container}}.exec([\"sh\", \"-c\", {(PSQL + ' -tA -c ' + chr(34) + 'SELECT txid_current()' + chr(34))!r}])",
         "assert marked.exit_code == 0, marked.output"),
    )


def _listed(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _drop_created_tables(created: list[str]) -> Cleanup:
    tables = ", ".join(created)
    command = f'{PSQL} -c "DROP TABLE IF EXISTS {tables} CASCADE"'
    return Cleanup(
        f"drops the tables the tests create ({_listed(created)})",
        (f"dropped = {{container}}.exec([\"sh\", \"-c\", {command!r}])", "assert dropped.exit_code == 0, dropped.output"),
    )
