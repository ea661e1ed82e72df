"""pytest marks: on a test, on its class, and in the module's `pytestmark`."""

from __future__ import annotations

import libcst as cst

from tclint.engine.model import FunctionInfo, Model
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
