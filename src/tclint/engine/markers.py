"""pytest marks: on a test, on its class, in the module's `pytestmark`, and those a `pytest_configure`
hook registers."""

from __future__ import annotations

import libcst as cst

from tclint.engine.model import FunctionInfo, Model, descendants
from tclint.engine.names import top_level_statements


def mark_name(expr: cst.BaseExpression, model: Model) -> str | None:
    """`pytest.mark.integration` or `pytest.mark.integration(...)` -> "integration"."""
    if isinstance(expr, cst.Call):
        expr = expr.func
    qualified = model.qualified(expr) or ""
    prefix = "pytest.mark."
    return qualified[len(prefix) :] if qualified.startswith(prefix) and qualified.count(".") == 2 else None


def module_marks(model: Model) -> set[str]:
    marks: set[str] = set()
    for statement in top_level_statements(model.module):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == "pytestmark" for t in small.targets):
                values = small.value.elements if isinstance(small.value, (cst.List, cst.Tuple)) else [small.value]
                for value in values:
                    name = mark_name(value.value if isinstance(value, cst.BaseElement) else value, model)
                    if name:
                        marks.add(name)
    return marks


def marks_of(function: FunctionInfo, model: Model) -> set[str]:
    """The marks a test gets from its decorators and its class's (not the module's)."""
    nodes = [function.node]
    if function.in_class is not None:
        nodes.append(function.in_class.node)
    return {name for node in nodes for decorator in node.decorators if (name := mark_name(decorator.decorator, model))}


def configured_marks(model: Model) -> tuple[str, ...]:
    """The marks the module's `pytest_configure(config)` hook registers with
    `config.addinivalue_line("markers", "name(args): help")`, a literal or each literal of a `for` over
    a literal list or tuple."""
    hook = model.module_functions.get("pytest_configure")
    if hook is None:
        return ()
    names: dict[str, None] = {}
    for node in descendants(hook.node):
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "addinivalue_line"):
            continue
        if len(node.args) != 2 or _literal(node.args[0].value) != "markers":
            continue
        for line in _lines_of(node.args[1].value, hook):
            name = line.split(":", 1)[0].split("(", 1)[0].strip()
            if name:
                names[name] = None
    return tuple(names)


def _lines_of(value: cst.BaseExpression, hook: FunctionInfo) -> list[str]:
    text = _literal(value)
    if text is not None:
        return [text]
    if not isinstance(value, cst.Name):
        return []
    for node in descendants(hook.node):
        if isinstance(node, cst.For) and isinstance(node.target, cst.Name) and node.target.value == value.value:
            if isinstance(node.iter, (cst.List, cst.Tuple)):
                return [text for element in node.iter.elements if (text := _literal(element.value)) is not None]
    return []


def _literal(value: cst.BaseExpression) -> str | None:
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        evaluated = value.evaluated_value
        return evaluated if isinstance(evaluated, str) else None
    return None
