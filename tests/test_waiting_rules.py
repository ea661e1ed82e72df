"""One waiting rule per sleep: the near misses of sleep-in-test, sleep-polling-loop and
sleep-after-container-start stay silent under all three rules, not only under their own."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write

from tclint.runner import RunOptions, run
from tclint.settings import load_settings

WAITING_RULES = ("sleep-in-test", "sleep-polling-loop", "sleep-after-container-start")
NEAR_MISSES = Path(__file__).resolve().parent / "near_misses"


@pytest.mark.parametrize("rule", [pytest.param(rule, id=rule) for rule in WAITING_RULES])
def test_near_misses_are_silent_under_every_waiting_rule(project, rule):
    selected = ", ".join(f'"{name}"' for name in WAITING_RULES)
    write(project, {"pyproject.toml": f"[tool.tclint]\nselect = [{selected}]\n",
                    "tests/test_near_miss.py": (NEAR_MISSES / f"{rule}.py").read_text(encoding="utf-8")})  # fmt: skip
    result = run(["."], load_settings(None, project), RunOptions(cache=False, jobs=1))
    assert result.errors == []
    assert [f"{d.line} {d.code} {d.message}" for d in result.diagnostics] == []
