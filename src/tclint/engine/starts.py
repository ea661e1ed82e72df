"""What a function starts: containers and Docker Compose stacks, started by the function itself or by
what it calls in this module (helper functions, the methods and constructors of the module's classes).

The model follows containers through their variables; this adds the starts it does not see as its own
(helpers of other project modules that start a container, from the project index):
`stack.enter_context(container)`, Docker Compose stacks, a container of the module (or of `self`) that
another function built and this one starts (`redis.start()` in an autouse fixture), and objects whose
methods start containers (`env.setup()`). The rules that need it feed `visit_Call`/`visit_With` from their
own hooks and ask `of(function)` in `finish()`.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tclint.engine.model import ClassInfo, ContainerRef, FunctionInfo, Model, source_of
from tclint.knowledge import CONTAINER_FACTORIES

EXIT_STACK_METHODS = frozenset({"enter_context", "enter_async_context"})


@dataclass(frozen=True, eq=False)
class Start:
    where: cst.CSTNode  # in the function asked about: the start itself, or the call that leads to it
    ref: ContainerRef | None  # None for a Docker Compose stack
    through: str | None = None  # the helper, method or class called, when started indirectly
    label: str = "DockerCompose"  # what starts, when it is not a container the model follows

    @property
    def kind(self) -> str:
        return self.ref.cls.short_name if self.ref is not None else self.label


class StartSites:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.sites: dict[int, list[Start]] = {}  # id(FunctionInfo) -> starts the model does not record
        self.calls: dict[int, list[cst.Call]] = {}  # id(FunctionInfo) -> `obj.method()` calls
        self.site_function: dict[int, FunctionInfo] = {}  # id of a `.start()` call or `with` -> where it is
        self._cache: dict[int, list[Start]] = {}
        self._by_site: dict[int, list[ContainerRef]] | None = None
        self._has_classes: bool | None = None

    # -- fed from the walk ---------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        function = self.model.function
        func = node.func
        helper = self.model.imported_helper(func) if function is not None else None
        if helper is not None and helper[2]:  # a helper of another project module that starts a container
            self.sites.setdefault(id(function), []).append(Start(node, None, source_of(func), helper[1].rsplit(".", 1)[-1]))
            return
        if function is None or not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method == "start":
            self.site_function[id(node)] = function
        if method in EXIT_STACK_METHODS and node.args:
            ref = self.model.container_ref(node.args[0].value)
            if ref is not None or self.is_compose(node.args[0].value):
                self.sites.setdefault(id(function), []).append(Start(node, ref))
        elif method == "start" and self.is_compose(func.value):
            self.sites.setdefault(id(function), []).append(Start(node, None))
        elif method == "start" and self.model.container_ref(func.value) is None:
            label = self.handed_over(func.value, function) or self.imported_container(func.value, function)
            if label is not None:
                self.sites.setdefault(id(function), []).append(Start(node, None, label=label))
        else:
            self.calls.setdefault(id(function), []).append(node)

    def visit_With(self, node: cst.With) -> None:
        function = self.model.function
        if function is not None:
            self.site_function[id(node)] = function
        if function is None:
            return
        for item in node.items:
            if self.is_compose(item.item):
                self.sites.setdefault(id(function), []).append(Start(node, None))
            elif isinstance(item.item, cst.Call) and self.model.container_ref(item.item) is None:
                if self.model.imported_helper(item.item.func) is not None:
                    continue  # the project index says what it does (visit_Call)
                name = self.model.qualified(item.item.func) or ""
                if name in CONTAINER_FACTORIES or from_test_containers_module(name):
                    label = name.rsplit(".", 1)[-1]
                    self.sites.setdefault(id(function), []).append(Start(node, None, label=label))

    def handed_over(self, expr: cst.BaseExpression, function: FunctionInfo) -> str | None:
        """The class of a container that a fixture this function requests built and handed over unstarted
        (or that the fixture's name says is a container)."""
        origin = self.model.origin(expr, function)
        if origin.param is None or origin.scope is not function:
            return None
        provider = next((f for f in self.model.functions if f.fixture is not None and f.fixture.name == origin.param), None)
        if provider is not None:
            built = next((ref for ref in provider.containers if ref.handed_out and not ref.started), None)
            return built.cls.short_name if built is not None else None
        held = self.model.container_of(expr, function)
        return None if held is None or held.fixture is None else (held.cls.short_name if held.cls else held.fixture)

    def imported_container(self, expr: cst.BaseExpression, function: FunctionInfo) -> str | None:
        """`server = EchoServer(); server.start()` with `EchoServer` from the suite's containers module."""
        value = self.model.origin(expr, function).expr
        name = self.model.qualified(value.func) if isinstance(value, cst.Call) else None
        return name.rsplit(".", 1)[-1] if name and from_test_containers_module(name) else None

    def is_compose(self, expr: cst.BaseExpression) -> bool:
        """A `DockerCompose(...)` stack, configured or not (`DockerCompose(...).waiting_for({...})`)."""
        return self.model.imports_compose and self.model.compose.construction(expr, self.model.current_scope) is not None

    # -- asked in finish() ---------------------------------------------------------------------------

    def of(self, function: FunctionInfo, _seen: frozenset = frozenset()) -> list[Start]:
        if id(function) in self._cache:
            return self._cache[id(function)]
        seen = _seen | {id(function)}
        found = [Start(ref.started_by, ref) for ref in self.started_in(function)]
        found += self.sites.get(id(function), [])
        for name, call in function.local_calls:
            for callee, through in self.callees_by_name(function, name):
                if id(callee) not in seen:
                    found += [Start(call, start.ref, through) for start in self.of(callee, seen)]
        calls = self.calls.get(id(function), []) if self.has_local_classes() else []
        for call in calls:
            method = self.method_called(call, function)
            if method is not None and id(method) not in seen:
                found += [Start(call, start.ref, f"{call.func.attr.value}") for start in self.of(method, seen)]
        if not _seen:
            self._cache[id(function)] = found
        return found

    def started_in(self, function: FunctionInfo) -> list[ContainerRef]:
        """Containers whose start is in this function's body, wherever they were built; and those it
        builds that a function nested in it starts."""
        found = list(self.started_by_site().get(id(function), ()))
        for ref in function.started_containers():
            where = self.site_function.get(id(ref.started_by))
            if where is not function and where is not None and self.nested_in(where, function):
                found.append(ref)
        return found

    def started_by_site(self) -> dict[int, list[ContainerRef]]:
        """id(function) -> the containers whose start is in its body (computed once)."""
        if self._by_site is None:
            self._by_site = {}
            for scope in (self.model.module_scope, *self.model.functions):
                for ref in scope.containers:
                    where = self.site_function.get(id(ref.started_by)) if ref.started else None
                    if where is not None:
                        self._by_site.setdefault(id(where), []).append(ref)
        return self._by_site

    @staticmethod
    def nested_in(inner: FunctionInfo, outer: FunctionInfo) -> bool:
        parent = inner.parent
        while parent is not None:
            if parent is outer:
                return True
            parent = parent.parent
        return False

    def callees_by_name(self, function: FunctionInfo, name: str):
        """A helper function of the module (or nested in the caller), or a class of the module whose
        constructor starts something."""
        helper = self.model._helper(function, name)
        if helper is not None:
            yield helper, name
            return
        owner = self.local_class(name)
        if owner is not None and "__init__" in owner.methods:
            yield owner.methods["__init__"], name

    def method_called(self, call: cst.Call, function: FunctionInfo) -> FunctionInfo | None:
        """`env.setup()` where `env` holds an instance of a class of this module (or `self.helper()`)."""
        receiver = call.func.value
        method = call.func.attr.value
        if isinstance(receiver, cst.Name) and receiver.value == "self":
            owner = self.model.class_of(function)
            return owner.methods.get(method) if owner is not None else None
        value = self.model.origin(receiver, function).expr
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
            owner = self.local_class(value.func.value)
            return owner.methods.get(method) if owner is not None else None
        return None

    def has_local_classes(self) -> bool:
        """Whether any class of the module could be what a method call reaches (most test modules: none)."""
        if self._has_classes is None:
            self._has_classes = any(info.methods for info in self.model.classes)
        return self._has_classes

    def local_class(self, name: str) -> ClassInfo | None:
        if name in self.model.local_container_classes:
            return None  # its construction is a container the model follows
        return next((info for info in self.model.classes if info.parent is None and info.node.name.value == name), None)


def from_test_containers_module(name: str) -> bool:
    """`tests.fixtures.containers.start_postgres`, `.support.containers.EchoServer`: imported from a
    module of the test suite about containers. Entered with `with`, it starts one (the project index
    that would say what it does is not built yet)."""
    parts = name.split(".")[:-1]
    if not parts or name.startswith("testcontainers."):
        return False
    in_tests = name.startswith(".") or any(part.startswith("test") for part in parts)
    return in_tests and any("container" in part.lower() for part in parts)
