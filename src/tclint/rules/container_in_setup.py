"""TCL105 container-in-setup: a unittest suite that starts a container for every test method."""

from __future__ import annotations

import libcst as cst

from tclint.diagnostics import SAFE, UNSAFE
from tclint.engine import build
from tclint.engine.fixes import Fix
from tclint.engine.model import ClassInfo, ContainerRef, FunctionInfo, descendants
from tclint.engine.rule import Rule

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
                        fix = self.move_to_class(owner, setup, ref) if where is ref.started_by else None
                        self.report(where, message, fix)
            class_setup = owner.methods.get("setUpClass")
            if class_setup is not None:
                for ref in class_setup.started_containers():
                    self.check_class_cleanup(owner, class_setup, ref)

    # -- setUp -> setUpClass ----------------------------------------------------------------------

    def move_to_class(self, owner: ClassInfo, setup: FunctionInfo, ref: ContainerRef) -> Fix | None:
        """Move the container's statements to setUpClass (on `cls`) and its stop to tearDownClass."""
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
        class_statements = [_on_class(statement) for statement in moved]
        class_stops = [_on_class(statement) for statement in stops]
        replacements = self.class_methods(owner, setup, teardown, moved, stops, class_statements, class_stops)
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

    def class_methods(self, owner, setup, teardown, moved, stops, class_statements, class_stops):
        indent = self.context.module.default_indent
        changes: dict[int, list] = {}
        new_methods = []
        existing_setup = owner.methods.get("setUpClass")
        if existing_setup is not None:
            block = existing_setup.node.body
            changes[id(existing_setup.node)] = [existing_setup.node.with_changes(body=block.with_changes(body=[*block.body, *class_statements]))]
        else:
            new_methods.append(_classmethod("setUpClass", [_statement("super().setUpClass()"), *class_statements], indent))
        if class_stops:
            existing_teardown = owner.methods.get("tearDownClass")
            if existing_teardown is not None:
                block = existing_teardown.node.body
                changes[id(existing_teardown.node)] = [existing_teardown.node.with_changes(body=block.with_changes(body=[*class_stops, *block.body]))]
            else:
                new_methods.append(_classmethod("tearDownClass", [*class_stops, _statement("super().tearDownClass()")], indent))
        blank = [cst.EmptyLine(indent=False)]
        new_methods = [method.with_changes(leading_lines=[] if i == 0 else blank) for i, method in enumerate(new_methods)]
        remaining_setup = _remaining(setup, moved)
        if new_methods and remaining_setup:
            remaining_setup = [remaining_setup[0].with_changes(leading_lines=blank)]
        changes[id(setup.node)] = new_methods + remaining_setup
        if teardown is not None and stops:
            changes[id(teardown.node)] = _remaining(teardown, stops)
        return [(owner.node, owner.node.with_changes(body=build.respliced(owner.node.body, changes)))]

    # -- setUpClass without addClassCleanup ---------------------------------------------------------

    def check_class_cleanup(self, owner: ClassInfo, class_setup: FunctionInfo, ref: ContainerRef) -> None:
        """tearDownClass does not run when setUpClass raises: what runs after the start can leak it."""
        if ref.finalizers or ref.start_statement is None:
            return
        body = class_setup.body
        index = next((i for i, statement in enumerate(body) if statement is ref.start_statement), None)
        if index is None:
            return
        after = body[index + 1 :]
        configuration = {id(call) for call in ref.config_calls}
        if not any(isinstance(n, cst.Call) and id(n) not in configuration for s in after for n in descendants(s)):
            return
        label = f"`{ref.var}`" if ref.var else "a container"
        message = (
            f"`{owner.node.name.value}.setUpClass` runs more code after starting {label}: if it raises, "
            "`tearDownClass` does not run and the container is never stopped"
        )
        self.report(ref.started_by, message, self.register_cleanup(owner, class_setup, ref))

    def register_cleanup(self, owner: ClassInfo, class_setup: FunctionInfo, ref: ContainerRef) -> Fix | None:
        """`cls.addClassCleanup(cls.x.stop)` right after the start, and the stop out of tearDownClass."""
        if ref.var is None or not ref.var.startswith("cls."):
            return None
        teardown = owner.methods.get("tearDownClass")
        stops = [s for s in teardown.body if build.method_call_statement(s, ref.var, "stop")] if teardown else []
        if len(stops) != len(ref.stop_calls):
            return None
        cleanup = cst.parse_statement(f"cls.addClassCleanup({ref.var}.stop)\n")
        changes = [(class_setup.node, class_setup.node.with_changes(
            body=build.respliced(class_setup.node.body, {id(ref.start_statement): [ref.start_statement, cleanup]})))]  # fmt: skip
        if stops:
            remaining = _remaining(teardown, stops)
            changes.append((teardown.node, remaining[0] if remaining else cst.RemoveFromParent()))
        return Fix(f"Register `{ref.var}.stop` with `addClassCleanup` right after the start", SAFE, changes)


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


def _remaining(method: FunctionInfo, removed: list) -> list:
    """The method without the moved statements; gone altogether when nothing but `super()` is left."""
    block = build.respliced(method.node.body, {id(s): [] for s in removed}, keep_comments=False)
    left = [s for s in block.body if not _is_pass(s) and not _is_super_call(s, method.name)]
    if not left and not any(line.comment for line in block.footer):
        return []
    return [method.node.with_changes(body=block)]


def _is_pass(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(isinstance(s, cst.Pass) for s in statement.body)


def _is_super_call(statement: cst.CSTNode, name: str) -> bool:
    return _code(statement).strip() in (f"super().{name}()", f"await super().{name}()")
