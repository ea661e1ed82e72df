"""One walk per file, shared by the model and every enabled rule.

libcst's own `visit` rebuilds every node it passes, even for read-only visitors; this walker reads the
dataclass fields instead and skips the whitespace, comment and punctuation nodes no rule inspects, which
makes the walk several times cheaper. Listeners are plain objects with `visit_<Node>` / `leave_<Node>`
methods; the dispatch table is built once per listener class.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import libcst as cst

SKIPPED_FIELDS = frozenset({
    "leading_lines", "lines_after_decorators", "header", "footer", "lpar", "rpar", "lbracket", "rbracket",
    "lbrace", "rbrace", "comma", "semicolon", "trailing_whitespace", "newline", "colon", "equal", "dot",
    "operator", "relative", "asynchronous", "star", "star_tok", "default_indent", "default_newline",
    "encoding", "has_trailing_newline", "indent", "whitespace",
})  # fmt: skip
# source order where the dataclass field order differs from it
FIELD_ORDER = {
    cst.FunctionDef: ("decorators", "name", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "name", "bases", "keywords", "body"),
}


def _all_node_types() -> frozenset[type]:
    found, pending = set(), [cst.CSTNode]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in found:
                found.add(subclass)
                pending.append(subclass)
    return frozenset(found)


# `type(x) in NODE_TYPES` instead of `isinstance(x, cst.CSTNode)`: CSTNode is an ABC, and its
# isinstance check was a tenth of the walk
NODE_TYPES = _all_node_types()


@lru_cache(maxsize=None)
def child_fields(node_type: type) -> tuple[str, ...]:
    if node_type in FIELD_ORDER:
        return FIELD_ORDER[node_type]
    return tuple(
        f.name
        for f in dataclasses.fields(node_type)
        if f.name not in SKIPPED_FIELDS and not f.name.startswith("whitespace")
    )


def children(node: cst.CSTNode):
    """The node's children that the walk visits, in source order."""
    for name in child_fields(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind in NODE_TYPES:
            yield value
        elif kind is tuple or kind is list:
            yield from (item for item in value if type(item) in NODE_TYPES)


@lru_cache(maxsize=None)
def _handler_names(listener_type: type) -> tuple[frozenset[str], frozenset[str]]:
    names = dir(listener_type)
    visits = frozenset(name[6:] for name in names if name.startswith("visit_"))
    leaves = frozenset(name[6:] for name in names if name.startswith("leave_"))
    return visits, leaves


class Walker:
    """Calls every listener's `visit_X` before a node's children and `leave_X` after them.

    Leaves run in reverse listener order, so the first listener (the model) sees a node first and
    lets go of it last.
    """

    def __init__(self, listeners: list[object]) -> None:
        self._listeners = listeners
        self._table: dict[type, tuple[tuple, tuple, tuple[str, ...]]] = {}
        self.parents: list[cst.CSTNode] = []

    def listen(self, *listeners: object) -> None:
        """Add listeners after the walker exists (the model needs the walker to follow parents);
        before the walk starts."""
        self._listeners = [*self._listeners, *listeners]
        self._table.clear()

    def _entry(self, node_type: type) -> tuple[tuple, tuple, tuple[str, ...]]:
        name = node_type.__name__
        visits, leaves = [], []
        for listener in self._listeners:
            visit_names, leave_names = _handler_names(type(listener))
            if name in visit_names:
                visits.append(getattr(listener, "visit_" + name))
            if name in leave_names:
                leaves.append(getattr(listener, "leave_" + name))
        entry = (tuple(visits), tuple(reversed(leaves)), child_fields(node_type))
        self._table[node_type] = entry
        return entry

    def walk(self, node: cst.CSTNode) -> None:
        entry = self._table.get(type(node)) or self._entry(type(node))
        visits, leaves, fields = entry
        for handler in visits:
            handler(node)
        parents = self.parents
        parents.append(node)
        for field_name in fields:
            value = getattr(node, field_name)
            kind = type(value)
            if kind in NODE_TYPES:
                self.walk(value)
            elif kind is tuple or kind is list:
                for item in value:
                    if type(item) in NODE_TYPES:
                        self.walk(item)
        parents.pop()
        for handler in leaves:
            handler(node)

    def parent_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """During a visit: the parent of a node on the path to the node being visited."""
        for index in range(len(self.parents) - 1, 0, -1):
            if self.parents[index] is node:
                return self.parents[index - 1]
        return None

    def parent(self, level: int = 1) -> cst.CSTNode | None:
        """During a visit: the node `level` steps above the one being visited."""
        index = len(self.parents) - level
        return self.parents[index] if index >= 0 else None
