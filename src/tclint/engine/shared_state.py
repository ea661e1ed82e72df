"""What tests write into the services they use: the state a container carries from one test to the
next once a fix makes them share it. Read from what the code does (the statements it executes, the
client methods it calls), never from names."""

from __future__ import annotations

import re
from collections.abc import Iterable

import libcst as cst

from tclint.engine.model import descendants
from tclint.knowledge import STATE_STATEMENTS, STATE_WRITES

_STATEMENT = re.compile(STATE_STATEMENTS)


def written_state(nodes: Iterable[cst.CSTNode], model) -> list[str]:
    """What the code writes, sorted: "Redis keys", "table `votes` (CREATE TABLE)". Statements come from
    string literals and from the constants a call passes (`cursor.execute(SCHEMA)`)."""
    found: dict[str, None] = {}
    for root in nodes:
        for node in descendants(root):
            if isinstance(node, cst.SimpleString):
                _statements(node.evaluated_value, found)
            elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.args:
                what = STATE_WRITES.get(node.func.attr.value)
                if what is not None:
                    found[what] = None
                for arg in node.args:
                    if isinstance(arg.value, cst.Name):
                        held = model.string_of(arg.value)
                        _statements(held.text if held is not None else None, found)
    return sorted(found)


def _statements(text: object, found: dict[str, None]) -> None:
    for match in _STATEMENT.finditer(text if isinstance(text, str) else ""):
        found[_describe(match)] = None


def _describe(match: re.Match) -> str:
    if match.group("ddl"):
        verb = " ".join(match.group(0).split()[:2]).upper()  # CREATE TABLE, DROP SCHEMA...
        return f"{verb.split()[1].lower()} `{_unquoted(match.group('ddl'))}` ({verb})"
    return f"rows of `{_unquoted(match.group('insert') or match.group('update'))}`"


def _unquoted(name: str) -> str:
    return name.strip("`\"")


def sharing_note(state: list[str]) -> str:
    """The part of a message that says what a sharing fix would carry over from test to test."""
    if not state:
        return ""
    return f"; shared, the container keeps what the tests write ({', '.join(state[:3])}): `tclint verify` checks the fix"
