"""TCL106 unguarded-container-setup: setup that can raise runs after a container starts and before its
stop is guaranteed, so a failing setup leaves the container running."""

from __future__ import annotations

import libcst as cst

from tclint.diagnostics import SAFE
from tclint.engine import build
from tclint.engine.fixes import Fix
from tclint.engine.model import ClassInfo, ContainerRef, FunctionInfo, descendants
from tclint.engine.names import dotted
from tclint.engine.rule import Rule
from tclint.engine.versions import testcontainers_at_least
from tclint.engine.waiting import LOGGER_FACTORIES, is_logging
from tclint.knowledge import SLEEP_FUNCTIONS

CONVERSIONS = frozenset({"int", "str", "float"})
WAIT_FOR_LOGS = "testcontainers.core.waiting_utils.wait_for_logs"
STRATEGIES_IN = (4, 13)  # wait_for_logs with a text or a callable is deprecated from here


class UnguardedContainerSetup(Rule):
    name = "unguarded-container-setup"

    def finish(self) -> None:
        for function in self.model.functions:
            if function.fixture is not None:
                for ref in function.containers:
                    self.check_fixture(function, ref)
        for owner in self.model.classes:
            class_setup = owner.methods.get("setUpClass") if owner.is_testcase else None
            if class_setup is not None:
                for ref in class_setup.started_containers():
                    self.check_class_setup(owner, class_setup, ref)

    # -- fixtures: start, more setup, yield, stop ----------------------------------------------------

    def check_fixture(self, fixture: FunctionInfo, ref: ContainerRef) -> None:
        """`c.start(); setup(); yield c; c.stop()`: when setup() raises, pytest never resumes the
        generator, so the stop after the `yield` never runs."""
        if ref.start_kind == "start" and ref.finalizers and ref.start_statement is not None:
            self.check_late_finalizer(fixture, ref)
            return
        if ref.start_kind != "start" or ref.finalizers or not ref.stop_calls or ref.start_statement is None:
            return
        body = fixture.body
        start = _index(body, ref.start_statement)
        handed = _index_containing(body, ref.handed_out[-1]) if ref.handed_out else None
        if start is None or handed is None or not isinstance(ref.handed_out[-1], cst.Yield) or handed <= start:
            return
        if _in_try_with_finally(fixture, ref) or _stops_before(body[start + 1 : handed], ref):
            return  # guarded, or the setup stops the container itself on its failure path
        if not any(self.calls_other_code(statement, ref) for statement in body[start + 1 : handed]):
            return
        label = f"`{ref.var}`" if ref.var else "the container"
        message = (
            f"Fixture `{fixture.fixture.name}` runs more setup after starting {label} and before `yield`: if it "
            "raises, the stop after the `yield` never runs and the container is left running"
        )
        self.report(ref.started_by, message, self.try_finally(fixture, ref, start))

    def check_late_finalizer(self, fixture: FunctionInfo, ref: ContainerRef) -> None:
        """`c.start(); migrate(); request.addfinalizer(c.stop)`: when migrate() raises, nothing was
        registered yet, so nothing stops the container."""
        body = fixture.body
        start = _index(body, ref.start_statement)
        registered = [i for statement in ref.finalizer_statements if (i := _index(body, statement)) is not None]
        if start is None or not registered or min(registered) <= start:
            return
        between = [s for s in body[start + 1 : min(registered)] if not isinstance(s, (cst.FunctionDef, cst.ClassDef))]
        if _stops_before(between, ref) or not any(self.calls_other_code(statement, ref) for statement in between):
            return
        label = f"`{ref.var}`" if ref.var else "the container"
        message = (
            f"Fixture `{fixture.fixture.name}` runs more setup after starting {label} and before registering its "
            "stop: if the setup raises, nothing stops the container; register the stop right after the start"
        )
        self.report(ref.started_by, message)

    def try_finally(self, fixture: FunctionInfo, ref: ContainerRef, start: int) -> Fix | None:
        """Everything after the start goes into `try:`, the stop into `finally:`."""
        body = fixture.body
        stops = [statement for statement in body if build.method_call_statement(statement, ref.var, "stop")]
        if ref.var is None or len(stops) != len(ref.stop_calls) or len(stops) != 1:
            return None
        rest = [statement for statement in body[start + 1 :] if statement is not stops[0]]
        if any(isinstance(node, (cst.Return, cst.Raise)) for statement in rest for node in descendants(statement) if _own(node, fixture)):
            return None
        indent = self.context.module.default_indent
        guarded = cst.parse_statement(f"try:\n{indent}pass\nfinally:\n{indent}{ref.var}.stop()\n")
        rest = [rest[0].with_changes(leading_lines=[]), *rest[1:]]
        guarded = guarded.with_changes(
            body=guarded.body.with_changes(body=rest),
            finalbody=guarded.finalbody.with_changes(body=guarded.finalbody.body.with_changes(body=[stops[0].with_changes(leading_lines=[])])),
        )
        block = fixture.node.body
        new_body = [*body[: start + 1], guarded]
        return Fix(f"Stop `{ref.var}` in a `finally:` around the setup and the `yield`", SAFE,
                   [(fixture.node, fixture.node.with_changes(body=block.with_changes(body=new_body)))])  # fmt: skip

    def calls_other_code(self, statement: cst.CSTNode, ref: ContainerRef) -> bool:
        """Code that can raise: an `assert` or a `raise`, or a call other than configuring the container,
        sleeping, reading what it is, or logging (the calls inside a log call's arguments still count).
        A wait for the container (`wait_for_logs`) counts: it raises when the container never gets ready;
        unless it is deprecated-testcontainers-api's to fix (see `_deprecated_wait`)."""
        configuration = {id(call) for call in ref.config_calls}
        return any(
            isinstance(node, (cst.Assert, cst.Raise))
            or isinstance(node, cst.Call) and id(node) not in configuration
            and self.model.qualified(node.func) not in SLEEP_FUNCTIONS and not _reads(node, ref) and not self._converts(node)
            and not is_logging(node, self.model) and self.model.qualified(node.func) not in LOGGER_FACTORIES
            and not self._deprecated_wait(node)
            for node in descendants(statement)
        )  # fmt: skip

    def _deprecated_wait(self, call: cst.Call) -> bool:
        """`wait_for_logs(c, "text")` where the project's testcontainers deprecates it (4.13 on):
        deprecated-testcontainers-api reports it, and its fix moves the wait into `start()`, which leaves
        nothing between the start and the `yield`."""
        if self.model.qualified(call.func) != WAIT_FOR_LOGS or not testcontainers_at_least(self.context, STRATEGIES_IN):
            return False
        predicate = call.args[1].value if len(call.args) > 1 and call.args[1].keyword is None else None
        return not isinstance(predicate, cst.Call)  # a wait strategy object is not deprecated

    def _converts(self, call: cst.Call) -> bool:
        """`int(port)`, `str(host)`: the builtin conversions of what was read (not setup)."""
        return isinstance(call.func, cst.Name) and call.func.value in CONVERSIONS and self.model.qualified(call.func) is None

    # -- unittest: setUpClass ------------------------------------------------------------------------

    def check_class_setup(self, owner: ClassInfo, class_setup: FunctionInfo, ref: ContainerRef) -> None:
        """tearDownClass does not run when setUpClass raises: what runs after the start can leak it."""
        if ref.finalizers or ref.start_statement is None:
            return
        body = class_setup.body
        index = _index(body, ref.start_statement)
        if index is None or not any(self.calls_other_code(statement, ref) for statement in body[index + 1 :]):
            return
        label = f"`{ref.var}`" if ref.var else "a container"
        message = (
            f"`{owner.node.name.value}.setUpClass` runs more code after starting {label}: if it raises, "
            "`tearDownClass` does not run and the container is never stopped"
        )
        self.report(ref.started_by, message, self.register_cleanup(owner, class_setup, ref))

    @staticmethod
    def register_cleanup(owner: ClassInfo, class_setup: FunctionInfo, ref: ContainerRef) -> Fix | None:
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
            block = build.respliced(teardown.node.body, {id(s): [] for s in stops}, keep_comments=False)
            left = [s for s in block.body if cst.Module(body=[]).code_for_node(s).strip() not in ("pass", "super().tearDownClass()")]
            changes.append((teardown.node, teardown.node.with_changes(body=block) if left else cst.RemoveFromParent()))
        return Fix(f"Register `{ref.var}.stop` with `addClassCleanup` right after the start", SAFE, changes)


def _reads(call: cst.Call, ref: ContainerRef) -> bool:
    """`container.get_connection_url()`, `container.get_exposed_port(5432)`: reading what the started
    container is, not setup that can fail."""
    func = call.func
    return (isinstance(func, cst.Attribute) and func.attr.value.startswith("get_") and ref.var is not None
            and dotted(func.value) == ref.var)  # fmt: skip


def _index(body: list, statement: cst.CSTNode) -> int | None:
    return next((i for i, item in enumerate(body) if item is statement), None)


def _index_containing(body: list, node: cst.CSTNode) -> int | None:
    return next((i for i, item in enumerate(body) if any(inner is node for inner in descendants(item))), None)




def _stops_before(statements: list, ref: ContainerRef) -> bool:
    stops = {id(call) for call in ref.stop_calls}
    return any(id(node) in stops for statement in statements for node in descendants(statement))


def _in_try_with_finally(fixture: FunctionInfo, ref: ContainerRef) -> bool:
    """The yield sits in a `try:` whose `finally:` stops the container (already guarded)."""
    stops = {id(call) for call in ref.stop_calls}
    for node in descendants(fixture.node):
        if isinstance(node, cst.Try) and node.finalbody is not None:
            if any(id(inner) in stops for inner in descendants(node.finalbody)) and any(
                inner is ref.handed_out[-1] for inner in descendants(node.body)
            ):
                return True
    return False


def _own(node: cst.CSTNode, fixture: FunctionInfo) -> bool:
    """Not inside a function nested in the fixture."""
    return not any(node is inner for nested in fixture.nested for inner in descendants(nested.node))
