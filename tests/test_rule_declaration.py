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
    if isinstance(title, ast.IfExp):  # `"one" if x else "other"`
        both = title_pattern(title.body), title_pattern(title.orelse)
        return f"(?:{both[0]}|{both[1]})" if None not in both else None
    return None


def fix_applicabilities(module: Path) -> set[str]:
    return {applicability for _, applicability in fixes_built(module)}


def documented_fixes(info) -> list[tuple[str, str]]:
    """(fix title, safety) of each row of the table in the doc's "Fix safety" section, if it has one."""
    section = info.doc_path.read_text(encoding="utf-8").split("\n## Fix safety\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("| ")]
    return [(cells[0].strip(), cells[1].strip()) for cells in rows[1:]]


@pytest.mark.parametrize("info", [pytest.param(info, id=info.name) for info in CATALOG])
def test_the_declared_fix_safety_is_what_the_fixes_use(info):
    used = fix_applicabilities(SOURCE / "rules" / f"{info.module_name}.py")
    declared = {safety for _, safety in info.fixes} or {info.fix_safety}
    assert used == (set() if info.fix == "never" else declared)
    assert (info.fix == "never") == (info.fix_safety == "none")


@pytest.mark.parametrize("info", [pytest.param(info, id=info.name) for info in CATALOG if info.fixes])
def test_each_fix_declared_in_the_front_matter_has_the_safety_its_code_builds(info):
    """A rule whose front matter gives each fix its safety: each entry is a fix the code builds, with the
    same safety, each fix the code builds has its entry, and the doc's "Fix safety" table says the same."""
    built = fixes_built(SOURCE / "rules" / f"{info.module_name}.py")
    for title, safety in info.fixes:
        matching = {applicability for pattern, applicability in built if pattern and re.fullmatch(pattern, title)}
        assert matching == {safety}, f"{title!r}: the code builds it as {matching}, the front matter says {safety}"
    for pattern, _ in built:
        assert [title for title, _ in info.fixes if pattern and re.fullmatch(pattern, title)], f"no entry for {pattern!r}"
    assert documented_fixes(info) == list(info.fixes)


def test_a_rule_whose_fixes_differ_in_safety_says_so(tmp_path):
    from tclint.catalog import MIXED_SAFETY, CatalogError, read_rule_info

    doc = tmp_path / "some-rule.md"
    front = 'name = "some-rule"\ncode = "TCL999"\nsummary = "s"\nfix = "sometimes"\nsince = "0.1.0"\n'
    doc.write_text(f'+++\n{front}[fix-safety]\n"Close it" = "safe"\n"Empty it" = "unsafe"\n+++\n')
    info = read_rule_info(doc)
    assert (info.fix_safety, info.fixes) == (MIXED_SAFETY, (("Close it", "safe"), ("Empty it", "unsafe")))
    doc.write_text(f'+++\n{front}[fix-safety]\n"Close it" = "maybe"\n+++\n')
    with pytest.raises(CatalogError, match="fix-safety"):
        read_rule_info(doc)


ENGINE = sorted(path for path in SOURCE.rglob("*.py") if path.parent.name not in ("rules", "knowledge"))


@pytest.mark.parametrize("module", ENGINE, ids=lambda path: path.relative_to(SOURCE).as_posix())
def test_the_engine_names_no_rule(module):
    names = {info.name for info in CATALOG} | {info.code for info in CATALOG}
    constants = {node.value for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))) if isinstance(node, ast.Constant)}
    assert not constants & names
