"""A rule is declared once, in its doc's front matter (which `tclint rules`/`explain`/`config` read
without importing libcst); what its code repeats or implies must agree with it, and the engine dispatches
on the declared kind, never on a rule's name."""

from __future__ import annotations

import ast
import re
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


def fixes_built(module: Path) -> list[tuple[str | None, str]]:
    """(title as a pattern, applicability) of every `Fix(...)` the module builds: the applicability a
    constant, so that it can be read; the title's formatted parts match anything (None: not a literal)."""
    found = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Fix":
            given = node.args[1] if len(node.args) > 1 else next(k.value for k in node.keywords if k.arg == "applicability")
            assert isinstance(given, ast.Name) and given.id in APPLICABILITY, f"{module.name}:{node.lineno}: not SAFE or UNSAFE"
            found.append((title_pattern(node.args[0]) if node.args else None, APPLICABILITY[given.id]))
    return found


def title_pattern(title: ast.expr) -> str | None:
    if isinstance(title, ast.Constant) and isinstance(title.value, str):
        return re.escape(title.value)
    if isinstance(title, ast.JoinedStr):
        return "".join(re.escape(part.value) if isinstance(part, ast.Constant) else ".+" for part in title.values)
    return None


def fix_applicabilities(module: Path) -> set[str]:
    return {applicability for _, applicability in fixes_built(module)}


def documented_fixes(info) -> list[tuple[str, str]]:
    """(fix title, safety) of each row of the table in the doc's "Fix safety" section, if it has one."""
    section = info.doc_path.read_text(encoding="utf-8").split("\n## Fix safety\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("| ")]
    return [(cells[0].strip(), cells[1].strip()) for cells in rows[1:]]


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


@pytest.mark.parametrize("info", [pytest.param(info, id=info.name) for info in CATALOG if documented_fixes(info)])
def test_each_documented_fix_has_the_safety_its_code_declares(info):
    """A doc whose "Fix safety" section tables its fixes: each row is a fix the code builds, with the same
    safety, and each fix the code builds has its row."""
    built = fixes_built(SOURCE / "rules" / f"{info.module_name}.py")
    documented = documented_fixes(info)
    for title, safety in documented:
        matching = [applicability for pattern, applicability in built if pattern and re.fullmatch(pattern, title)]
        assert matching == [safety], f"{title!r}: the code builds it as {matching}, the doc says {safety}"
    for pattern, applicability in built:
        assert [title for title, _ in documented if pattern and re.fullmatch(pattern, title)], f"no row for {pattern!r}"


ENGINE = sorted(path for path in SOURCE.rglob("*.py") if path.parent.name not in ("rules", "knowledge"))


@pytest.mark.parametrize("module", ENGINE, ids=lambda path: path.relative_to(SOURCE).as_posix())
def test_the_engine_names_no_rule(module):
    names = {info.name for info in CATALOG} | {info.code for info in CATALOG}
    constants = {node.value for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))) if isinstance(node, ast.Constant)}
    assert not constants & names
