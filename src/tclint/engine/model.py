"""What the walk learns about a test module, shared by every rule: scopes, fixtures, tests, containers.

The model is the first listener of the walk. Rules read it from their own `visit_`/`leave_` hooks
(it is up to date with the node being visited) and from `finish()` (the whole module is known).
State that follows nesting is a stack of scopes, never a flag.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import libcst as cst

from tclint.engine.names import Resolver, dotted, top_level_statements
from tclint.knowledge import FIXTURE_DECORATORS, ContainerClass, container_class, is_self_returning
from tclint.project import Collection

TESTCASE_BASES = frozenset({
    "unittest.TestCase", "unittest.IsolatedAsyncioTestCase", "unittest.case.TestCase",
    "unittest.async_case.IsolatedAsyncioTestCase", "django.test.TestCase", "django.test.TransactionTestCase",
    "django.test.SimpleTestCase", "django.test.LiveServerTestCase", "asynctest.TestCase",
})  # fmt: skip
FINALIZER_METHODS = frozenset({"addfinalizer", "register", "addCleanup", "addClassCleanup", "callback"})
EMPTY_MODULE = cst.Module(body=[])


def source_of(node: cst.CSTNode) -> str:
    return EMPTY_MODULE.code_for_node(node)


@dataclass
class FixtureInfo:
    name: str
    scope: str | None  # None: not a literal, so unknown
    call: cst.Call | None  # `pytest.fixture(...)`, when called
    decorator: cst.Decorator | None  # None for `name = pytest.fixture(fn, ...)`
    autouse: bool = False
    has_params: bool = False

    @property
    def scope_arg(self) -> cst.Arg | None:
        return keyword_arg(self.call, "scope") if self.call else None


@dataclass(eq=False)
class ContainerRef:
    """One container constructed in a function, followed through its variable."""

    cls: ContainerClass
    construction: cst.Call
    var: str | None = None
    started_by: cst.CSTNode | None = None  # the `.start()` call or the `with` statement
    start_kind: str | None = None  # "with" or "start"
    with_node: cst.With | None = None
    config_calls: list[cst.Call] = field(default_factory=list)
    stop_calls: list[cst.Call] = field(default_factory=list)
    finalizers: list[cst.CSTNode] = field(default_factory=list)  # addfinalizer / atexit registrations
    handed_out: list[cst.CSTNode] = field(default_factory=list)  # `yield c` / `return c`
    handed_out_after_with: list[cst.CSTNode] = field(default_factory=list)  # after its `with` block ended
    double_start: cst.CSTNode | None = None  # `.start()` on a container already entered with `with`
    scope: Scope | None = None  # where it was constructed
    start_statement: cst.CSTNode | None = None  # the statement of the start, in the starting function's body
    finalizer_statements: list[cst.CSTNode] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return self.started_by is not None

    @property
    def stopped(self) -> bool:
        return bool(self.stop_calls or self.finalizers or self.start_kind == "with")

    def signature(self) -> tuple:
        """Class, arguments and configuration calls: equal signatures start equal containers."""
        args = []
        for index, arg in enumerate(self.construction.args):
            key = arg.keyword.value if arg.keyword else ("image" if index == 0 else f"#{index}")
            args.append((key, source_of(arg.value)))
        if not any(key == "image" for key, _ in args) and self.cls.default_image:
            args.append(("image", repr(self.cls.default_image)))
        calls = tuple(sorted(configuration_call(call) for call in self.config_calls))
        return (self.cls.qualname, tuple(sorted(args)), calls)


@dataclass(eq=False)
class Scope:
    """Where containers are constructed: a function, or the module itself."""

    containers: list[ContainerRef] = field(default_factory=list)
    variables: dict[str, ContainerRef] = field(default_factory=dict)
    local_calls: list[tuple[str, cst.Call]] = field(default_factory=list)
    nested: list[FunctionInfo] = field(default_factory=list)

    def started_containers(self) -> list[ContainerRef]:
        return [ref for ref in self.containers if ref.started]


@dataclass(eq=False)
class ClassInfo:
    node: cst.ClassDef
    parent: FunctionInfo | ClassInfo | None
    is_testcase: bool
    is_test_class: bool
    attributes: dict[str, ContainerRef] = field(default_factory=dict)  # `self.x` / `cls.x` containers
    methods: dict[str, FunctionInfo] = field(default_factory=dict)


@dataclass(eq=False)
class FunctionInfo(Scope):
    node: cst.FunctionDef = None  # type: ignore[assignment]
    parent: FunctionInfo | ClassInfo | None = None
    fixture: FixtureInfo | None = None
    is_test: bool = False

    @property
    def name(self) -> str:
        return self.node.name.value

    @property
    def is_async(self) -> bool:
        return self.node.asynchronous is not None

    @property
    def params(self) -> list[str]:
        params = self.node.params
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        return [param.name.value for param in every]

    @property
    def in_class(self) -> ClassInfo | None:
        return self.parent if isinstance(self.parent, ClassInfo) else None

    @property
    def body(self) -> list[cst.BaseStatement]:
        body = self.node.body
        return list(body.body) if isinstance(body, cst.IndentedBlock) else []


def configuration_call(call: cst.Call) -> str:
    """`c.with_env("A", "1")` -> `with_env("A", "1")`: the call without its receiver."""
    arguments = ", ".join(source_of(arg).rstrip(", ") for arg in call.args)
    return f"{call.func.attr.value}({arguments})"


def _is_stop_call(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "stop"


def self_attribute(expr: cst.BaseExpression) -> bool:
    """`self.x` or `cls.x`."""
    return isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value in ("self", "cls")


def keyword_arg(call: cst.Call, name: str) -> cst.Arg | None:
    return next((arg for arg in call.args if arg.keyword is not None and arg.keyword.value == name), None)


def literal_string(expr: cst.BaseExpression | None) -> str | None:
    if isinstance(expr, cst.SimpleString):
        return expr.evaluated_value if isinstance(expr.evaluated_value, str) else None
    if isinstance(expr, cst.ConcatenatedString):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


class Model:
    """The shared listener: scopes, imports, fixtures, tests and the containers each function starts."""

    def __init__(self, module: cst.Module, path: str, container_classes: tuple[str, ...], walker,
                 collection: Collection = Collection()) -> None:  # fmt: skip
        self.module = module
        self.path = path
        self.collection = collection
        self.is_test_module = collection.is_test_file(path)
        self.is_conftest = os.path.basename(path) == "conftest.py"
        self.resolver = Resolver(module)
        self.walker = walker
        self._configured = container_classes
        self.scopes: list[FunctionInfo | ClassInfo] = []
        self.module_scope = Scope()
        self.classes: list[ClassInfo] = []
        self.functions: list[FunctionInfo] = []
        self.module_functions: dict[str, FunctionInfo] = {}
        self._refs: dict[int, ContainerRef] = {}
        self.local_container_classes: dict[str, ContainerClass] = {}
        self.local_testcases: set[str] = set()
        self._read_local_classes()

    # -- names ------------------------------------------------------------------------------------

    def _read_local_classes(self) -> None:
        """Container subclasses and TestCase subclasses defined in this module, by local name."""
        for statement in top_level_statements(self.module):
            if not isinstance(statement, cst.ClassDef):
                continue
            for base in statement.bases:
                found = self.container_class_of(base.value)
                if found:
                    self.local_container_classes[statement.name.value] = found
                if self.is_testcase_base(base.value):
                    self.local_testcases.add(statement.name.value)

    def module_level_names(self) -> set[str]:
        """Names bound at module level: imports, functions, classes and assigned globals."""
        names = self.resolver.module_names()
        for statement in top_level_statements(self.module):
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                names.add(statement.name.value)
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    targets = small.targets if isinstance(small, cst.Assign) else []
                    names.update(t.target.value for t in targets if isinstance(t.target, cst.Name))
        return names

    def qualified(self, expr: cst.BaseExpression) -> str | None:
        return self.resolver.resolve(expr)

    def container_class_of(self, func: cst.BaseExpression) -> ContainerClass | None:
        if isinstance(func, cst.Name) and func.value in self.local_container_classes:
            return self.local_container_classes[func.value]
        found = container_class(self.qualified(func), self._configured)
        if found is None and self._configured and isinstance(func, cst.Name):
            found = container_class(func.value, self._configured)  # a configured bare name
        return found

    def is_testcase_base(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Name) and expr.value in self.local_testcases:
            return True
        return self.qualified(expr) in TESTCASE_BASES

    # -- scopes -----------------------------------------------------------------------------------

    @property
    def function(self) -> FunctionInfo | None:
        """The innermost function being walked."""
        for scope in reversed(self.scopes):
            if isinstance(scope, FunctionInfo):
                return scope
        return None

    @property
    def scope(self) -> Scope:
        """The innermost function, or the module: where a container built here belongs."""
        return self.function or self.module_scope

    def enclosing_functions(self):
        return (scope for scope in reversed(self.scopes) if isinstance(scope, FunctionInfo))

    def enclosing_class(self) -> ClassInfo | None:
        for scope in reversed(self.scopes):
            if isinstance(scope, ClassInfo):
                return scope
        return None

    def top_statement(self) -> cst.CSTNode | None:
        """During a visit: the statement of the innermost function's body that holds the node."""
        function = self.function
        if function is None:
            return None
        parents = self.walker.parents
        for index in range(len(parents) - 1, -1, -1):
            if parents[index] is function.node:
                return parents[index + 2] if index + 2 < len(parents) else None
        return None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        parent = self.scopes[-1] if self.scopes else None
        is_testcase = any(self.is_testcase_base(base.value) for base in node.bases)
        is_test_class = self.collection.is_test_class(node.name.value) and parent is None
        info = ClassInfo(node, parent, is_testcase, is_test_class)
        self.classes.append(info)
        self.scopes.append(info)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        parent = self.scopes[-1] if self.scopes else None
        info = FunctionInfo(node=node, parent=parent)
        info.fixture = self._fixture_from_decorators(node)
        info.is_test = self._is_test(info)
        if isinstance(parent, FunctionInfo):
            parent.nested.append(info)
        elif isinstance(parent, ClassInfo):
            parent.methods[info.name] = info
        elif parent is None:
            self.module_functions[info.name] = info
        self.functions.append(info)
        self.scopes.append(info)
        self.resolver.push()

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.resolver.pop()
        self.scopes.pop()

    def visit_Import(self, node: cst.Import) -> None:
        self.resolver.bind_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.resolver.bind_import(node)

    def _is_test(self, info: FunctionInfo) -> bool:
        if not self.is_test_module or not self.collection.is_test_function(info.name) or info.fixture is not None:
            return False
        parent = info.parent
        return parent is None or (isinstance(parent, ClassInfo) and (parent.is_test_class or parent.is_testcase))

    # -- fixtures ---------------------------------------------------------------------------------

    def _fixture_from_decorators(self, node: cst.FunctionDef) -> FixtureInfo | None:
        for decorator in node.decorators:
            expr = decorator.decorator
            call = expr if isinstance(expr, cst.Call) else None
            if self.qualified(call.func if call else expr) in FIXTURE_DECORATORS:
                return self._fixture_info(node.name.value, call, decorator)
        return None

    def _fixture_info(self, name: str, call: cst.Call | None, decorator: cst.Decorator | None) -> FixtureInfo:
        scope: str | None = "function"
        autouse = has_params = False
        if call is not None:
            scope_arg = keyword_arg(call, "scope")
            if scope_arg is not None:
                scope = literal_string(scope_arg.value)
            name_arg = keyword_arg(call, "name")
            name = literal_string(name_arg.value) or name if name_arg else name
            autouse_arg = keyword_arg(call, "autouse")
            autouse = autouse_arg is not None and dotted(autouse_arg.value) == "True"
            has_params = keyword_arg(call, "params") is not None
        return FixtureInfo(name, scope, call, decorator, autouse, has_params)

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self.scopes:
            self._fixture_by_call(node)
        ref = self.container_ref(node.value)
        if ref is not None and len(node.targets) == 1:
            self._bind(node.targets[0].target, ref)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        ref = self.container_ref(node.value) if node.value is not None else None
        if ref is not None:
            self._bind(node.target, ref)

    def _fixture_by_call(self, node: cst.Assign) -> None:
        """`name = pytest.fixture(fn, scope=...)` and `name = pytest.fixture(scope=...)(fn)`."""
        value = node.value
        if not isinstance(value, cst.Call) or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if not isinstance(target, cst.Name):
            return
        fixture_call, function = None, None
        if self.qualified(value.func) in FIXTURE_DECORATORS and value.args and value.args[0].keyword is None:
            fixture_call, function = value, value.args[0].value
        elif isinstance(value.func, cst.Call) and self.qualified(value.func.func) in FIXTURE_DECORATORS:
            fixture_call, function = value.func, value.args[0].value if value.args else None
        if fixture_call is None or not isinstance(function, cst.Name):
            return
        info = self.module_functions.get(function.value)
        if info is not None and info.fixture is None:
            info.fixture = self._fixture_info(target.value, fixture_call, None)

    # -- containers -------------------------------------------------------------------------------

    def container_ref(self, expr: cst.BaseExpression) -> ContainerRef | None:
        """The container an expression evaluates to: a construction, a configuration chain on one,
        or a variable bound to one in this or an enclosing function."""
        calls: list[cst.Call] = []
        while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and is_self_returning(expr.func.attr.value):
            calls.append(expr)
            expr = expr.func.value
        ref = None
        if isinstance(expr, cst.Call):
            ref = self._construction(expr)
        elif isinstance(expr, cst.Name):
            ref = self.variable(expr.value)
        elif self_attribute(expr):
            owner = self.enclosing_class()
            ref = owner.attributes.get(expr.attr.value) if owner else None
        if ref is not None:
            for call in reversed(calls):
                self._method_called(ref, call)
        return ref

    def variable(self, name: str) -> ContainerRef | None:
        for function in self.enclosing_functions():
            if name in function.variables:
                return function.variables[name]
        return self.module_scope.variables.get(name)

    def _construction(self, call: cst.Call) -> ContainerRef | None:
        known = self._refs.get(id(call))
        if known is not None:
            return known
        cls = self.container_class_of(call.func)
        if cls is None:
            return None
        ref = ContainerRef(cls, call, scope=self.scope)
        self._refs[id(call)] = ref
        self.scope.containers.append(ref)
        return ref

    def _bind(self, target: cst.BaseExpression, ref: ContainerRef) -> None:
        """`c = ...` binds in the current scope; `self.c = ...` / `cls.c = ...` on the class."""
        if isinstance(target, cst.Name):
            ref.var = ref.var or target.value
            self.scope.variables[target.value] = ref
        elif self_attribute(target):
            owner = self.enclosing_class()
            if owner is not None:
                ref.var = ref.var or f"{target.value.value}.{target.attr.value}"
                owner.attributes[target.attr.value] = ref

    def _method_called(self, ref: ContainerRef, call: cst.Call) -> None:
        method = call.func.attr.value  # type: ignore[union-attr]
        if method == "start":
            if ref.start_kind == "with" and ref.started_by is not call:
                ref.double_start = call
            elif ref.started_by is None:
                ref.started_by, ref.start_kind = call, "start"
                ref.start_statement = self.top_statement()
        elif method == "stop":
            if call not in ref.stop_calls:
                ref.stop_calls.append(call)
        elif call not in ref.config_calls:
            ref.config_calls.append(call)

    def visit_Call(self, node: cst.Call) -> None:
        if self._construction(node) is not None:
            return
        func = node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method == "stop":
                ref = self.container_ref(func.value)
                if ref is not None:
                    self._method_called(ref, node)
            elif is_self_returning(method):
                self.container_ref(node)
            elif method in FINALIZER_METHODS:
                self._finalizer(node)
        elif isinstance(func, cst.Name) and self.function is not None:
            self.function.local_calls.append((func.value, node))

    def _finalizer(self, node: cst.Call) -> None:
        """`request.addfinalizer(c.stop)`, `atexit.register(c.stop)`, `self.addCleanup(c.stop)`..."""
        for arg in node.args:
            value = arg.value
            refs: list[ContainerRef] = []
            if isinstance(value, cst.Attribute) and value.attr.value == "stop":
                ref = self.container_ref(value.value)
                refs = [ref] if ref is not None else []
            elif isinstance(value, cst.Name):
                function = self.function
                nested = next((n for n in function.nested if n.name == value.value), None) if function else None
                refs = self._stopped_in(nested) if nested is not None else []
            elif isinstance(value, cst.Lambda) and _is_stop_call(value.body):
                ref = self.container_ref(value.body.func.value)
                refs = [ref] if ref is not None else []
            for ref in refs:
                ref.finalizers.append(node)
                ref.finalizer_statements.append(self.top_statement())

    def _stopped_in(self, function: FunctionInfo) -> list[ContainerRef]:
        """Containers of enclosing functions that a nested function stops."""
        stopped = []
        for ref in self._refs.values():
            if any(self._within(call, function.node) for call in ref.stop_calls):
                stopped.append(ref)
        return stopped

    def _within(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
        return any(child is node for child in descendants(ancestor))

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            ref = self.container_ref(item.item)
            if ref is None:
                continue
            if ref.start_kind == "start":
                ref.double_start = ref.double_start or node
            elif ref.started_by is None:
                ref.started_by, ref.start_kind, ref.with_node = node, "with", node
            if item.asname is not None:
                self._bind(item.asname.name, ref)

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):
            self._handed_out(node.value, node)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._handed_out(node.value, node)

    def _handed_out(self, value: cst.BaseExpression, node: cst.CSTNode) -> None:
        ref = self.container_ref(value)
        if ref is not None:
            ref.handed_out.append(node)
            if ref.with_node is not None and not any(parent is ref.with_node for parent in self.walker.parents):
                ref.handed_out_after_with.append(node)

    # -- whole-module questions (valid in `finish`) -------------------------------------------------

    def containers_started_by(self, function: FunctionInfo, _seen: frozenset = frozenset()) -> list[tuple[cst.CSTNode, ContainerRef]]:
        """(where, container) for every container a function starts: itself, or through a helper
        function of this module that it calls."""
        found = [(ref.started_by, ref) for ref in function.started_containers()]
        for name, call in function.local_calls:
            helper = self._helper(function, name)
            if helper is not None and helper is not function and helper.node not in _seen:
                for _, ref in self.containers_started_by(helper, _seen | {function.node}):
                    found.append((call, ref))
        return found

    def _helper(self, function: FunctionInfo, name: str) -> FunctionInfo | None:
        nested = next((n for n in function.nested if n.name == name), None)
        if nested is not None:
            return nested
        helper = self.module_functions.get(name)
        if helper is None or helper.fixture is not None or helper.is_test:
            return None
        return helper


def descendants(node: cst.CSTNode):
    """The node and everything below it that the walk visits."""
    from tclint.engine.walk import children

    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))
