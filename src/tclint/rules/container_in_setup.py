"""TCL105 container-in-setup: a unittest suite that starts a container for every test method."""

from __future__ import annotations

import libcst as cst

from tclint.diagnostics import UNSAFE
from tclint.engine import build
from tclint.engine.fixes import Fix
from tclint.engine.model import ClassInfo, ContainerRef, FunctionInfo, descendants
from tclint.engine.rule import Rule
from tclint.engine.shared_state import Cleanup, cleanup_for, cleanup_note, sharing_note, written_state

PER_TEST = {"setUp": "tearDown", "asyncSetUp": "asyncTearDown"}


class ContainerInSetup(Rule):
    name = "container-in-setup"

    def finish(self) -> None:
        for owner in self.model.classes:
            if not owner.is_testcase:
                continue
            for setup_name in PER_TEST:
                setup = owner.methods.get(setup_name)
                if setup is not None:
                    for where, ref in self.model.containers_started_by(setup):
                        message = f"`{owner.node.name.value}.{setup_name}` starts a container before every test method"
                        tests = [method.node.body for name, method in owner.methods.items() if name not in PER_TEST.values()]
                        state = written_state(tests, self.model)
                        cleanup = cleanup_for(ref.cls.qualname, state) if setup_name == "setUp" else None
                        if cleanup is not None and cleanup.before:
                            cleanup = None  # what it reads before each test would have to live on the test case
                        fix = self.move_to_class(owner, setup, ref, cleanup) if where is ref.started_by else None
                        if fix is not None:
                            message += cleanup_note(cleanup, "a `tearDown`") if cleanup is not None else sharing_note(state)
                        self.report(where, message, fix)

    # -- setUp -> setUpClass ----------------------------------------------------------------------

    def move_to_class(self, owner: ClassInfo, setup: FunctionInfo, ref: ContainerRef, cleanup: Cleanup | None) -> Fix | None:
        """Move the container's statements to setUpClass (on `cls`), its stop to a class cleanup, and
        the per-test cleanup (if any) into tearDown."""
        if ref.var is None or not ref.var.startswith("self.") or ref.start_kind != "start":
            return None
        attribute = ref.var.split(".", 1)[1]
        moved = [statement for statement in setup.body if self.concerns(statement, attribute)]
        if not any(any(node is ref.started_by for node in descendants(s)) for s in moved):
            return None
        if not self.only_global_names(setup, moved):
            return None
        teardown = owner.methods.get(PER_TEST[setup.name])
        stops = [s for s in teardown.body if self.concerns(s, attribute)] if teardown else []
        if any(not build.method_call_statement(s, method="stop") for s in stops) or len(stops) + _cleanups(moved) != len(ref.stop_calls) + len(ref.finalizers):
            return None
        class_statements = []
        for statement in moved:
            class_statements.append(_on_class(statement))
            if stops and any(node is ref.started_by for node in descendants(statement)):
                # stopped even when the rest of setUpClass raises, which tearDownClass would not be
                class_statements.append(_statement(f"cls.addClassCleanup(cls.{attribute}.stop)"))
        cleaning = [_statement(step.format(container=ref.var)) for step in cleanup.statements] if cleanup else []
        replacements = self.class_methods(owner, setup, teardown, moved, stops, class_statements, cleaning)
        return Fix("Start the container once, in `setUpClass`", UNSAFE, replacements)

    @staticmethod
    def concerns(statement: cst.CSTNode, attribute: str) -> bool:
        """A statement that touches `self.<attribute>` and nothing else of `self`."""
        uses = [node for node in descendants(statement) if isinstance(node, cst.Attribute) and _is_self(node.value)]
        return bool(uses) and all(node.attr.value in (attribute, "addCleanup") for node in uses)

    @staticmethod
    def only_global_names(setup: FunctionInfo, moved: list) -> bool:
        """The moved statements read no local variable of setUp (they will run in another method)."""
        local = {n.target.value for n in descendants(setup.node.body) if isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Name)}
        used = {n.value for statement in moved for n in descendants(statement) if isinstance(n, cst.Name)}
        return not (local & used)

    def class_methods(self, owner, setup, teardown, moved, stops, class_statements, cleaning):
        indent = self.context.module.default_indent
        changes: dict[int, list] = {}
        new_methods = []
        existing_setup = owner.methods.get("setUpClass")
        if existing_setup is not None:
            block = existing_setup.node.body
            changes[id(existing_setup.node)] = [existing_setup.node.with_changes(body=block.with_changes(body=[*block.body, *class_statements]))]
        else:
            new_methods.append(_classmethod("setUpClass", [_statement("super().setUpClass()"), *class_statements], indent))
        blank = [cst.EmptyLine(indent=False)]
        new_methods = [method.with_changes(leading_lines=[] if i == 0 else blank) for i, method in enumerate(new_methods)]
        remaining_setup = _remaining(setup, moved)
        if new_methods and remaining_setup:
            remaining_setup = [remaining_setup[0].with_changes(leading_lines=blank)]
        changes[id(setup.node)] = new_methods + remaining_setup
        if teardown is not None and (stops or cleaning):
            changes[id(teardown.node)] = _remaining(teardown, stops, cleaning)
        elif cleaning:
            tear_down = _method("tearDown", [*cleaning, _statement("super().tearDown()")], indent).with_changes(leading_lines=blank)
            changes[id(setup.node)] = [*changes[id(setup.node)], tear_down]
        return [(owner.node, owner.node.with_changes(body=build.respliced(owner.node.body, changes)))]

def _is_self(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "self"


def _cleanups(statements: list) -> int:
    return sum(1 for s in statements for n in descendants(s) if isinstance(n, cst.Attribute) and n.attr.value == "addCleanup")


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


class _SelfToCls(cst.CSTTransformer):
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value="cls") if updated_node.value == "self" else updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        if updated_node.attr.value == "addCleanup" and _is_cls(updated_node.value):
            return updated_node.with_changes(attr=cst.Name("addClassCleanup"))
        return updated_node.with_changes(attr=original_node.attr)


def _is_cls(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "cls"


def _on_class(statement: cst.CSTNode) -> cst.CSTNode:
    """`self.x...` -> `cls.x...`, `self.addCleanup(...)` -> `cls.addClassCleanup(...)`; comments above
    it move along, blank lines do not."""
    comments = [line for line in statement.leading_lines if line.comment is not None]
    return statement.visit(_SelfToCls()).with_changes(leading_lines=comments)


def _statement(code: str) -> cst.BaseStatement:
    return cst.parse_statement(code + "\n")


def _classmethod(name: str, statements: list, indent: str) -> cst.FunctionDef:
    template = cst.parse_statement(f"@classmethod\ndef {name}(cls):\n{indent}pass\n")
    return template.with_changes(body=template.body.with_changes(body=statements))


def _method(name: str, statements: list, indent: str) -> cst.FunctionDef:
    template = cst.parse_statement(f"def {name}(self):\n{indent}pass\n")
    return template.with_changes(body=template.body.with_changes(body=statements))


def _remaining(method: FunctionInfo, removed: list, added: list = ()) -> list:
    """The method without the moved statements (and with `added` at its end, before a closing `super()`
    call); gone altogether when nothing but `super()` is left."""
    block = build.respliced(method.node.body, {id(s): [] for s in removed}, keep_comments=False)
    if added:
        body = list(block.body)
        at = len(body) - 1 if body and _is_super_call(body[-1], method.name) else len(body)
        block = block.with_changes(body=[*body[:at], *added, *body[at:]])
    left = [s for s in block.body if not _is_pass(s) and not _is_super_call(s, method.name)]
    if not left and not any(line.comment for line in block.footer):
        return []
    return [method.node.with_changes(body=block)]


def _is_pass(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(isinstance(s, cst.Pass) for s in statement.body)


def _is_super_call(statement: cst.CSTNode, name: str) -> bool:
    return _code(statement).strip() in (f"super().{name}()", f"await super().{name}()")
