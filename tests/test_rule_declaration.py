"""A rule is declared once, in its doc's front matter (which `tclint rules`/`explain`/`config` read
without importing libcst); what its code repeats or implies must agree with it, and the engine dispatches
on the declared kind, never on a rule's name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tclint.catalog import load_catalog, rule_type
from tclint.registry import RULES

SOURCE = Path(__file__).resolve().parents[1] / "src/tclint"
CATALOG = load_catalog()
APPLICABILITY = {"SAFE": "safe", "UNSAFE": "unsafe"}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_the_class_is_what_its_doc_declares(rule):
    [info] = [info for info in CATALOG if info.name == rule.name]
    assert (rule.kind, rule_type(info)) == (info.kind, rule)


def fix_applicabilities(module: Path) -> set[str]:
    """The applicability of every `Fix(...)` the module builds (a constant, so that it can be read)."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Fix":
            given = node.args[1] if len(node.args) > 1 else next(k.value for k in node.keywords if k.arg == "applicability")
            assert isinstance(given, ast.Name) and given.id in APPLICABILITY, f"{module.name}:{node.lineno}: not SAFE or UNSAFE"
            found.add(APPLICABILITY[given.id])
    return found


@pytest.mark.parametrize(
    "info",
    [
        pytest.param(info, id=info.name)
        for info in CATALOG
    ],
)
def test_the_documented_fix_safety_is_what_the_fixes_use(info):
    used = fix_applicabilities(SOURCE / "rules" / f"{info.module_name}.py")
    assert used == (set() if info.fix == "never" else {info.fix_safety})
    assert (info.fix == "never") == (info.fix_safety == "none")


ENGINE = sorted(path for path in SOURCE.rglob("*.py") if path.parent.name not in ("rules", "knowledge"))


@pytest.mark.parametrize("module", ENGINE, ids=lambda path: path.relative_to(SOURCE).as_posix())
def test_the_engine_names_no_rule(module):
    names = {info.name for info in CATALOG} | {info.code for info in CATALOG}
    constants = {node.value for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))) if isinstance(node, ast.Constant)}
    assert not constants & names
