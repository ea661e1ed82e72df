"""Positions of the few nodes a file reports, at a fraction of libcst's PositionProvider cost.

libcst computes positions by generating the module's code while recording a CodePosition for every
node (seven times the cost of plain code generation). Here the generation records token indexes for
the wanted nodes only, stops as soon as the last of them is done (a diagnostic on an import costs a few
statements of generation, not the module), and turns the indexes into (line, column) from the text
generated so far. Same semantics as PositionProvider: syntactic positions, hoisted from a child where
libcst hoists them, whitespace-inclusive where a node records none.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

import libcst as cst
from libcst._nodes.internal import CodegenState


@dataclass(frozen=True)
class Position:
    line: int
    column: int  # 0-based, like libcst's


@dataclass(frozen=True)
class Span:
    start: Position
    end: Position


class _Done(Exception):
    """Every wanted node has been generated: the rest of the module is not needed."""


class _NoRecord:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info) -> bool:
        return False


_NO_RECORD = _NoRecord()


class _Record:
    def __init__(self, state: _Marks, node: cst.CSTNode, start_node, end_node) -> None:
        self.state, self.key, self.start_node, self.end_node = state, id(node), start_node, end_node
        for hoisted in (start_node, end_node):
            if hoisted is not None and id(hoisted) not in state.wanted:
                state.wanted.add(id(hoisted))
                state.remaining += 1

    def __enter__(self) -> None:
        self.start = len(self.state.tokens)

    def __exit__(self, *exc_info) -> bool:
        self.state.syntactic[self.key] = (self.start, len(self.state.tokens), self.start_node, self.end_node)
        return False


class _Marks(CodegenState):
    def __init__(self, module: cst.Module, nodes: list[cst.CSTNode]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.wanted = {id(node) for node in nodes}
        self.remaining = len(self.wanted)
        self.inclusive: dict[int, list[int]] = {}
        self.syntactic: dict[int, tuple] = {}

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.inclusive[id(node)] = [len(self.tokens), -1]

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.wanted:
            self.inclusive[key][1] = len(self.tokens)
            self.remaining -= 1
            if self.remaining == 0:
                raise _Done

    def record_syntactic_position(self, node: cst.CSTNode, *, start_node=None, end_node=None):
        if id(node) not in self.wanted:
            return _NO_RECORD
        return _Record(self, node, start_node, end_node)

    def span(self, key: int) -> tuple[int, int]:
        """(start token index, end token index) of a node, as PositionProvider would compute it."""
        if key not in self.syntactic:
            start, end = self.inclusive[key]
            return start, end
        start, end, start_node, end_node = self.syntactic[key]
        if start_node is not None:
            start = self.span(id(start_node))[0]
        if end_node is not None:
            end = self.span(id(end_node))[1]
        return start, end


def node_positions(module: cst.Module, nodes: list[cst.CSTNode]) -> dict[cst.CSTNode, Span]:
    marks = _Marks(module, nodes)
    try:
        module._codegen(marks)
    except _Done:
        pass
    offsets = list(accumulate(map(len, marks.tokens), initial=0))
    text = "".join(marks.tokens)

    def position(token_index: int) -> Position:
        offset = offsets[token_index]
        return Position(text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1))

    spans = {}
    for node in nodes:
        start, end = marks.span(id(node))
        spans[node] = Span(position(start), position(end))
    return spans
