"""tclint on this repository's own code and tests finds nothing (the near-miss files are excluded in
pyproject.toml: they are tclint's positives on purpose)."""

from __future__ import annotations

import os
from pathlib import Path

from helpers import tclint

ROOT = Path(__file__).resolve().parent.parent


def test_tclint_check_src_tests_on_this_repository_is_clean():
    before = os.getcwd()
    os.chdir(ROOT)
    try:
        code, out, err = tclint("check", "--no-cache", "src", "tests")
    finally:
        os.chdir(before)
    assert (code, out, err) == (0, "All checks passed!\n", "")
