"""TCL103 container-never-stopped: a container that is started and that nothing stops."""

from __future__ import annotations

import libcst as cst

from tclint.diagnostics import SAFE
from tclint.engine.fixes import Fix
from tclint.engine.model import ContainerRef, FunctionInfo, Scope, descendants
from tclint.engine.names import bindings
from tclint.engine.rule import Rule


class ContainerNeverStopped(Rule):
    name = "container-never-stopped"

    def finish(self) -> None:
        scopes: list[Scope] = [self.model.module_scope, *self.model.functions]
        for scope in scopes:
            for ref in scope.containers:
                self.check(ref, scope)
        if self.model.wrappers or self.model.project.modules:
            for function in self.model.functions:
                if function.fixture is not None or function.is_test:
                    self.check_wrappers(function)

    # -- wrapper classes: `server = Server()` whose constructor starts a container ---------------------

    def check_wrappers(self, function: FunctionInfo) -> None:
        """A fixture or test that starts a wrapper class's container (its constructor or a starting method
        does) and never calls a method of it that stops the container, nor enters it with `with`, nor
        hands it to other code that may."""
        for call, var, wrapper in self.wrappers_started(function):
            if not wrapper.stops or var is not None and _stopped_or_handed_on(function, var, wrapper):
                continue  # a class that cannot stop what it starts is reported where it starts it
            label = f"`{var}`" if var else f"`{wrapper.name}(...)`"
            starter = "constructor" if _constructs(call, wrapper) else f"`{call.func.attr.value}()`"
            ends = " or ".join("a `with` block" if name == "__exit__" else f"`{var or 'it'}.{name}()`" for name in sorted(wrapper.stops))
            who = f"Fixture `{function.fixture.name}`" if function.fixture is not None else f"Test `{function.name}`"
            self.report(call, f"{who} starts {label}, a `{wrapper.name}` object whose {starter} starts a container, and never "
                              f"stops it: {ends} stops it")  # fmt: skip

    def wrappers_started(self, function: FunctionInfo) -> list[tuple[cst.Call, str | None, object]]:
        """(the call that starts it, the name that holds it or None, the wrapper) for each wrapper whose
        container the function's own statements start."""
        from tclint.engine.wrappers import wrapper_class

        local = self.model.wrappers
        imports = {name: target for node in _own_nodes(function) if isinstance(node, (cst.Import, cst.ImportFrom)) for name, target in bindings(node)}
        built: dict[str, object] = {}
        found = []
        for node in _own_nodes(function):
            if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
                var = node.targets[0].target.value
                call, method = _construction_of(node.value)
                wrapper = wrapper_class(self.model, call.func, local, imports) if call is not None else None
                if wrapper is None:
                    continue
                if "__init__" in wrapper.starts or method in wrapper.starts:
                    found.append((node.value, var, wrapper))
                else:
                    built[var] = wrapper
            elif isinstance(node, (cst.Yield, cst.Return)) and isinstance(node.value, cst.Call):
                wrapper = wrapper_class(self.model, node.value.func, local, imports)
                if wrapper is not None and "__init__" in wrapper.starts:
                    found.append((node.value, None, wrapper))
            elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name):
                wrapper = built.get(node.func.value.value)
                if wrapper is not None and node.func.attr.value in wrapper.starts:
                    found.append((node, node.func.value.value, wrapper))
        return found

    def check(self, ref: ContainerRef, scope: Scope) -> None:
        label = f"`{ref.var}`" if ref.var else f"`{ref.cls.qualname.rsplit('.', 1)[-1]}`"
        if ref.double_start is not None:
            self.report(ref.double_start, f"Container {label} is started again inside its `with` block: the first one is never stopped")
        for node in ref.handed_out_after_with:
            self.report(node, f"Container {label} is handed out after its `with` block ended: it is already stopped")
        if ref.start_kind == "start" and not ref.stopped and not self.owned_by_caller(ref, scope):
            if not self.handed_out_wrapped(ref, scope) and not self.stopped_through_module_state(ref, scope):
                self.report_leak(ref, scope, label)

    @staticmethod
    def owned_by_caller(ref: ContainerRef, scope: Scope) -> bool:
        """A plain function that returns the container hands it to a caller that owns it (a factory)."""
        returns = any(isinstance(node, cst.Return) for node in ref.handed_out)
        return returns and isinstance(scope, FunctionInfo) and scope.fixture is None

    @staticmethod
    def handed_out_wrapped(ref: ContainerRef, scope: Scope) -> bool:
        """`return Info(container=c)`, `yield c, url`: the container travels inside what the function hands
        out. A plain function's caller owns it; a fixture that stops something after its `yield` is
        taken to stop it there (`info.container.stop()`)."""
        if not isinstance(scope, FunctionInfo) or ref.var is None or "." in ref.var:
            return False
        nested = {id(node) for inner in scope.nested for node in descendants(inner.node)}
        handed = [node for node in descendants(scope.node.body) if isinstance(node, (cst.Return, cst.Yield))
                  and id(node) not in nested and isinstance(node.value, cst.BaseExpression)]  # fmt: skip
        carried = any(isinstance(name, cst.Name) and name.value == ref.var for node in handed for name in descendants(node.value))
        if not carried:
            return False
        if scope.fixture is None:
            return True
        return any(_is_stop_call(node) for node in descendants(scope.node.body) if id(node) not in nested)

    def stopped_through_module_state(self, ref: ContainerRef, scope: Scope) -> bool:
        """The function keeps the container in module state (`global C; C = ...start()`, `CACHE[key] = c`)
        and another function of the module stops what it reads from there (a `pytest_sessionfinish` hook,
        the fixture that started the thread that started it)."""
        if not isinstance(scope, FunctionInfo) or ref.var is None or "." in ref.var:
            return False
        stores = _module_stores(scope, ref.var, _module_names(self.context.module))
        return bool(stores) and any(
            _stops_from(other, stores) for other in self.model.functions if other is not scope and other.parent is None
        )

    def report_leak(self, ref: ContainerRef, scope: Scope, label: str) -> None:
        if not isinstance(scope, FunctionInfo):
            self.report(ref.started_by, f"Container {label} is started at import time and nothing stops it")
            return
        if scope.fixture is not None and ref.handed_out:
            kind = "returns" if isinstance(ref.handed_out[-1], cst.Return) else "yields"
            message = f"Fixture `{scope.fixture.name}` {kind} container {label} and never stops it"
            self.report(ref.started_by, message, self.stop_after_yield(ref, scope))
            return
        self.report(ref.started_by, f"Container {label} is started and nothing stops it")

    @staticmethod
    def stop_after_yield(ref: ContainerRef, fixture: FunctionInfo) -> Fix | None:
        """`return c` -> `yield c` + `c.stop()`; a final `yield c` gets `c.stop()` after it."""
        body = fixture.body
        if not body or ref.var is None:
            return None
        last = body[-1]
        handed = ref.handed_out[-1]
        if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1):
            return None
        small = last.body[0]
        stop = cst.SimpleStatementLine(body=[cst.Expr(cst.parse_expression(f"{ref.var}.stop()"))])
        if isinstance(small, cst.Return) and small is handed and not _is_generator(fixture):
            yielded = last.with_changes(body=[cst.Expr(cst.Yield(value=small.value))])
            return Fix("Yield the container and stop it after the `yield`", SAFE, [(last, cst.FlattenSentinel([yielded, stop]))])
        if isinstance(small, cst.Expr) and small.value is handed:
            return Fix("Stop the container after the `yield`", SAFE, [(last, cst.FlattenSentinel([last, stop]))])
        return None


def _is_generator(function: FunctionInfo) -> bool:
    own = {id(node) for nested in function.nested for node in descendants(nested.node)}
    return any(isinstance(node, cst.Yield) and id(node) not in own for node in descendants(function.node))


def _is_stop_call(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "stop"


def _module_names(module: cst.Module) -> set[str]:
    """Names bound by a module-level assignment (`CACHE = {}`, `POSTGRES: PostgresContainer`)."""
    names = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target] if isinstance(small, cst.AnnAssign) else []
                names.update(target.value for target in targets if isinstance(target, cst.Name))
    return names


def _module_stores(function: FunctionInfo, var: str, module_names: set[str]) -> set[str]:
    """The module-level names `var` is kept in: a `global var`, or `NAME[key] = var` on a module name."""
    stores = set()
    for node in descendants(function.node.body):
        if isinstance(node, cst.Global) and any(item.name.value == var for item in node.names):
            stores.add(var)
        elif isinstance(node, cst.Assign) and isinstance(node.value, cst.Name) and node.value.value == var:
            for target in node.targets:
                held = target.target
                if isinstance(held, cst.Subscript) and isinstance(held.value, cst.Name) and held.value.value in module_names:
                    stores.add(held.value.value)
    return stores


def _stops_from(function: FunctionInfo, stores: set[str]) -> bool:
    """`C.stop()`, `CACHE[k].stop()`, or `.stop()` on a name bound from them (`for c in CACHE.values():`,
    `c = CACHE.get("container")`)."""
    derived = set(stores)
    for node in descendants(function.node.body):
        if isinstance(node, (cst.For, cst.Assign)):
            source = node.iter if isinstance(node, cst.For) else node.value
            if _mentions(source, derived):
                targets = [node.target] if isinstance(node, cst.For) else [t.target for t in node.targets]
                derived.update(name.value for target in targets for name in descendants(target) if isinstance(name, cst.Name))
    return any(_is_stop_call(node) and _mentions(node.func.value, derived) for node in descendants(function.node.body))


def _mentions(expr: cst.CSTNode, names: set[str]) -> bool:
    return any(isinstance(node, cst.Name) and node.value in names for node in descendants(expr))


def _constructs(call: cst.Call, wrapper) -> bool:
    """The call builds the wrapper and its constructor starts the container (not `w.start()`)."""
    return "__init__" in wrapper.starts and not (isinstance(call.func, cst.Attribute) and call.func.attr.value in wrapper.starts)


def _own_nodes(function: FunctionInfo):
    """The nodes of the function's body, in order, without those of functions nested in it."""
    nested = {id(node) for inner in function.nested for node in descendants(inner.node)}
    return [node for node in descendants(function.node.body) if id(node) not in nested]


def _construction_of(value: cst.BaseExpression) -> tuple[cst.Call | None, str | None]:
    """`Server(...)` -> (the call, None); `Server(...).start()` -> (the constructing call, "start")."""
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and isinstance(value.func.value, cst.Call):
        return value.func.value, value.func.attr.value
    return (value, None) if isinstance(value, cst.Call) else (None, None)


def _stopped_or_handed_on(function: FunctionInfo, var: str, wrapper) -> bool:
    """A stopping method named on it (called, or handed to `addfinalizer`), a `with` around it, or the
    object handed to other code (an argument, an attribute or item of something else, a global) that may
    stop it."""
    for node in descendants(function.node):
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == var:
            if node.attr.value in wrapper.stops:
                return True
        elif isinstance(node, cst.WithItem) and isinstance(node.item, cst.Name) and node.item.value == var:
            return True
        elif isinstance(node, cst.Arg) and isinstance(node.value, cst.Name) and node.value.value == var:
            return True
        elif isinstance(node, cst.Assign) and isinstance(node.value, cst.Name) and node.value.value == var:
            return True
        elif isinstance(node, cst.Global) and any(item.name.value == var for item in node.names):
            return True
    return False
