"""Deeply nested code is printed and located on every supported Python (3.12 counts `**kwargs` calls
against a fixed C recursion limit)."""

from __future__ import annotations

import inspect
import textwrap

import libcst as cst

from tclint.engine import deep_codegen
from tclint.worker import on_deep_stack


def test_libcst_codegen_is_still_the_one_the_shim_copies():
    assert textwrap.dedent(inspect.getsource(deep_codegen.LIBCST_CODEGEN)) == (
        "def _codegen(self, state: CodegenState, **kwargs: Any) -> None:\n"
        "    state.before_codegen(self)\n"
        "    self._codegen_impl(state, **kwargs)\n"
        "    state.after_codegen(self)\n"
    ), "libcst changed CSTNode._codegen: update tclint/engine/deep_codegen.py to match"


def test_a_3000_term_sum_round_trips_through_code_generation():
    source = "total = " + " + ".join(["1"] * 3000) + "\n"
    deep_codegen.allow_deep_codegen()
    assert on_deep_stack(lambda: cst.parse_module(source).code) == source
