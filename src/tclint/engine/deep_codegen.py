"""Code generation of deeply nested modules on Python 3.12.

libcst generates code by recursion: each node's `_codegen` calls `self._codegen_impl(state, **kwargs)`.
On Python 3.12 a call with `**kwargs` goes through C and counts against a fixed C recursion limit that
neither `sys.setrecursionlimit` nor the lint thread's large stack raises, so a 1,000-term sum cannot be
printed or located there while 3.10, 3.11 and 3.13 handle 12,000. `_codegen` below is libcst's, with
the keyword-free call made directly (an ordinary Python call, which 3.12 does not count).
"""

from __future__ import annotations

import sys

from libcst._nodes.base import CSTNode

LIBCST_CODEGEN = CSTNode._codegen  # tests/test_deep_codegen.py fails when libcst's own version changes


def _codegen(self, state, **kwargs) -> None:
    state.before_codegen(self)
    if kwargs:
        self._codegen_impl(state, **kwargs)
    else:
        self._codegen_impl(state)
    state.after_codegen(self)


def allow_deep_codegen() -> None:
    if sys.version_info[:2] == (3, 12):
        CSTNode._codegen = _codegen
