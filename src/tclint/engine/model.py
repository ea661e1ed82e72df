"""What the walk learns about a test module, shared by every rule: scopes, fixtures, tests, containers.

The model is the first listener of the walk. Rules read it from their own `visit_`/`leave_` hooks
(it is up to date with the node being visited) and from `finish()` (the whole module is known).
State that follows nesting is a stack of scopes, never a flag.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field

import libcst as cst

from tclint.engine.names import Resolver, dotted, top_level_statements
from tclint.engine.semantic import (
    MAX_DEPTH, Binding, Origin, Part, StringValue, argument_of, dict_value, format_arguments, format_fields, key_of, keyword_value,
    literal_key, percent_arguments, percent_fields, target_bindings, unwrap,
)
from tclint.facts import ContainerClassFact, ProjectFacts, star_binds
from tclint.knowledge import (
    CLIENTS, COMPOSE_CLASSES, CONTAINER_HOST_METHODS, CONTAINER_PORT_METHODS, CONTAINER_URL_METHODS,
    FINALIZER_METHODS, FIXTURE_DECORATORS, SETTINGS_NAME, TESTCASE_BASES, Client, ContainerClass, client_method_type,
    container_class, is_self_returning,
)  # fmt: skip
from tclint.project import Collection

EMPTY_MODULE = cst.Module(body=[])
SETTINGS = re.compile(SETTINGS_NAME)
# keywords that hand a function over as the behaviour of a mock, a patch or a thread
STAND_IN_KEYWORDS = frozenset({"side_effect", "new", "wraps", "new_callable"})
CLIENT_WORDS = re.compile(r"(?i)(client|connect|session|engine|pool|repo|store|producer|consumer|driver|admin)")


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
    """A function, or the module itself: its bindings, and the containers constructed in it."""

    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    containers: list[ContainerRef] = field(default_factory=list)
    variables: dict[str, ContainerRef] = field(default_factory=dict)
    local_calls: list[tuple[str, cst.Call]] = field(default_factory=list)
    nested: list[FunctionInfo] = field(default_factory=list)
    loop_containers: dict[str, list[ContainerRef]] = field(default_factory=dict)  # `for c in [a, b]:` -> c: [a, b]

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
    # class-body names, and `self.x` / `cls.x` assignments in its methods (both under "self.x")
    bindings: dict[str, list[Binding]] = field(default_factory=dict)


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


@dataclass(frozen=True, eq=False)
class Held:
    """A container an expression holds. `cls` None: a container of a class tclint does not know."""

    cls: ContainerClass | None
    ref: ContainerRef | None = field(default=None, repr=False)  # constructed in this module
    fixture: str | None = None  # handed out by this fixture
    compose: bool = False  # a Docker Compose stack
    own: bool = False  # `self` in a method of a container class


@dataclass(frozen=True, eq=False)
class ClientUse:
    """A client of a service: `client` None for a type tclint has no table entry for."""

    client: Client | None
    construction: cst.Call = field(repr=False)
    type_name: str
    scope: object = field(repr=False)
    part: bool = False  # a part of the client (`client["db"]`, a database): closing it means closing the client


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
                 collection: Collection = Collection(), project: ProjectFacts = ProjectFacts()) -> None:  # fmt: skip
        self.module = module
        self.path = path
        self.collection = collection
        self.is_test_module = collection.is_test_file(path)
        self.is_conftest = os.path.basename(path) == "conftest.py"
        self.resolver = Resolver(module)
        self.project = project
        self._bind_star_imports()
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
        self._class_of_node: dict[int, ClassInfo] = {}
        self._function_of_node: dict[int, FunctionInfo] = {}
        self._self_updates: dict[int, bool] = {}
        self._fixture_graph = None
        self.stand_in_names: set[str] = set()  # functions handed to mocks as behaviour (`side_effect=slow`)
        self.thread_targets: set[str] = set()  # functions run on a thread or process (`Thread(target=drop_connections)`)
        self.foreign: set[int] = set()  # ids of nodes made from other files' facts: never reported or fixed
        self.compose_calls: list[tuple[cst.Call, object]] = []  # `DockerCompose(...)` calls, with their scope
        self.imports_compose = any(name.startswith("testcontainers.compose") for name in self.resolver.imported_names())
        self._compose = None
        self._wrappers = None
        self._read_local_classes()

    # -- names ------------------------------------------------------------------------------------

    def _bind_star_imports(self) -> None:
        """`from M import *` of a project module: the names of M that other modules can use (its container
        classes, constants, helpers, fixtures) which the star import binds."""
        for module, name in self.resolver.from_imports if self.project.modules else ():
            facts = self.project.module_named(module) if name == "*" else None
            for exported in facts.names() if facts is not None else ():
                if star_binds(facts, exported):
                    self.resolver.bind_star(exported, f"{module}{'' if module.endswith('.') else '.'}{exported}")
            for local, target in facts.bound if facts is not None else ():
                if star_binds(facts, local):
                    self.resolver.bind_star(local, target)

    @property
    def wrappers(self) -> dict:
        """The module's wrapper classes (`engine.wrappers`), found when first asked."""
        if self._wrappers is None:
            from tclint.engine.wrappers import module_wrappers

            self._wrappers = module_wrappers(self) if self.classes else {}
        return self._wrappers

    def _read_local_classes(self) -> None:
        """Container subclasses and TestCase subclasses defined in this module, by local name."""
        integers: dict[str, int] | None = None
        for statement in top_level_statements(self.module):
            if not isinstance(statement, cst.ClassDef):
                continue
            for base in statement.bases:
                found = self.container_class_of(base.value)
                if found:
                    integers = self._module_integers() if integers is None else integers
                    self.local_container_classes[statement.name.value] = subclass_of(found, statement, self._integer_reader(integers))
                if self.is_testcase_base(base.value):
                    self.local_testcases.add(statement.name.value)

    @property
    def compose(self):
        """The module's Docker Compose stacks (`engine.compose`), read when first asked."""
        if self._compose is None:
            from tclint.engine.compose import ComposeStacks

            self._compose = ComposeStacks(self)
        return self._compose

    def exported_facts(self) -> dict:
        """What other files learn from this one: its container classes, constants and `pytest_plugins`."""
        classes = tuple(
            ContainerClassFact(name, cls.qualname, cls.default_image, cls.ports, cls.waits_until_ready, self._defines_init(name))
            for name, cls in self.local_container_classes.items()
        )
        constants, plugins = [], []
        for name, found in self.module_scope.bindings.items():
            value = found[0].value if len(found) == 1 and found[0].kind == "assign" else None
            constant = constant_value(value) if value is not None else None
            if constant is not None:
                constants.append((name, constant))
            if name == "pytest_plugins" and value is not None:
                elements = [e.value for e in value.elements] if isinstance(value, (cst.List, cst.Tuple)) else [value]
                plugins.extend(text for element in elements if (text := literal_string(element)) is not None)
        factories, clients = [], []
        for name, function in self.module_functions.items():
            if function.fixture is not None or function.is_test:
                continue
            started = self.containers_started_by(function)
            held = self._returned_container(function, 0)
            cls = held.cls if held is not None and held.cls is not None else (started[0][1].cls if started else None)
            if cls is not None:
                factories.append((name, cls.qualname, bool(started)))
            elif held is None:
                client = self._returned_client(function, 0)
                if client is not None:
                    clients.append((name, client.type_name, "part") if client.part else (name, client.type_name))
        requested = sorted({param for function in self.functions if function.fixture is not None or function.is_test for param in function.params})
        return {"container_classes": classes, "constants": tuple(constants), "plugins": tuple(plugins), "factories": tuple(factories),
                "imports": tuple(self.resolver.from_imports), "requested": tuple(requested),
                "collected": self.is_test_module or self.is_conftest, "clients": tuple(clients),
                "compose": self.compose.facts() if self.compose_calls else (),
                "exports": declared_all(self.module) if "__all__" in self.module_scope.bindings else None,
                "bound": self.resolver.absolute_bindings(),
                "wrappers": tuple(wrapper.fact() for wrapper in self.wrappers.values())}  # fmt: skip

    def _module_integers(self) -> dict[str, int]:
        """Module-level names bound once to an integer (`S3_PORT = 9000`), read before the walk."""
        found: dict[str, list[cst.BaseExpression]] = {}
        for statement in top_level_statements(self.module):
            for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
                if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                    for target in targets:
                        if isinstance(target, cst.Name):
                            found.setdefault(target.value, []).append(small.value)
        return {name: int(values[0].evaluated_value) for name, values in found.items() if len(values) == 1 and isinstance(values[0], cst.Integer)}

    def _integer_reader(self, integers: dict[str, int]):
        """The port a class body writes: a literal, a constant of the module or one imported from the project."""

        def read(expr: cst.BaseExpression) -> int | None:
            if isinstance(expr, cst.Integer):
                return int(expr.evaluated_value)
            if isinstance(expr, cst.Name) and expr.value in integers:
                return integers[expr.value]
            constant = self._imported_constant(expr) if isinstance(expr, cst.Name) and self.project.modules else None
            return int(constant.evaluated_value) if isinstance(constant, cst.Integer) else None

        return read

    def _defines_init(self, class_name: str) -> bool:
        node = next((info.node for info in self.classes if info.parent is None and info.node.name.value == class_name), None)
        body = node.body.body if node is not None and isinstance(node.body, cst.IndentedBlock) else ()
        return any(isinstance(item, cst.FunctionDef) and item.name.value == "__init__" for item in body)

    def project_class_fact(self, func: cst.BaseExpression) -> ContainerClassFact | None:
        """The facts of a container class another module of the project defines, when a call constructs one."""
        qualname = self.qualified(func) if self.project.modules else None
        imported = self.project.imported(qualname) if qualname and not qualname.startswith("testcontainers.") else None
        if imported is None:
            return None
        facts, name = imported
        return next((fact for fact in facts.container_classes if fact.name == name), None)

    def _imported_constant(self, expr: cst.Name | cst.Attribute) -> cst.BaseExpression | None:
        """A constant another module of the project defines (from the project index): `IMAGE` imported
        from it, or `constants.IMAGE` through the imported module."""
        qualname = self.resolver.lookup(expr.value) if isinstance(expr, cst.Name) else self.resolver.resolve_raw(expr)
        found = self.project.imported(qualname) if qualname and not qualname.startswith("testcontainers.") else None
        if found is None:
            return None
        facts, attribute = found
        value = dict(facts.constants).get(attribute)
        return self._foreign_node(value) if value is not None else None

    def _foreign_node(self, value) -> cst.BaseExpression:
        """A literal for another module's constant, marked so that no rule reports or fixes it here."""
        if isinstance(value, tuple):
            node = cst.Tuple([cst.Element(self._foreign_node(item)) for item in value])
        else:
            node = cst.Integer(str(value)) if isinstance(value, int) else cst.SimpleString(repr(value))
        self.foreign.add(id(node))
        return node

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
        qualname = self.qualified(func)
        found = container_class(qualname, self._configured)
        if found is None and self._configured and isinstance(func, cst.Name):
            found = container_class(func.value, self._configured)  # a configured bare name
        if found is None and qualname is not None and not qualname.startswith("testcontainers."):
            found = self._project_container_class(qualname)
        return found

    def _project_container_class(self, qualname: str) -> ContainerClass | None:
        """A container class another module of the project defines (from the project index)."""
        imported = self.project.imported(qualname)
        if imported is None:
            return None
        facts, name = imported
        fact = next((c for c in facts.container_classes if c.name == name), None)
        base = container_class(fact.base, self._configured) if fact is not None else None
        if fact is None or base is None:
            return None
        return dataclasses.replace(base, default_image=fact.default_image, ports=fact.ports, waits_until_ready=fact.waits_until_ready)

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
        self._record(Binding(node.name.value, None, "class", node, self.current_scope))
        self._class_of_node[id(node)] = info
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
        self._record(Binding(info.name, None, "def", node, self.current_scope))
        self._function_of_node[id(node)] = info
        self.functions.append(info)
        self.scopes.append(info)
        self.resolver.push()
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self._record(Binding(param.name.value, param.default, "param", param, info))
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self._record(Binding(star.name.value, None, "param", star, info))

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
        for target in node.targets:
            self._bind_target(target.target, node.value, "assign")
        ref = self.container_ref(node.value)
        if ref is not None and len(node.targets) == 1:
            self._bind(node.targets[0].target, ref)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target, node.value, "assign")
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
        elif isinstance(expr, cst.Attribute) and (key := key_of(expr)) is not None:
            ref = self.variable(key)  # `env.db = container`, then `env.db.stop()`
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
        elif isinstance(target, cst.Attribute) and (key := key_of(target)) is not None:
            self.scope.variables[key] = ref  # an attribute of another object holds it too (`env.db = container`)

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
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            names = self.stand_in_names if keyword in STAND_IN_KEYWORDS else self.thread_targets if keyword == "target" else None
            name = dotted(arg.value) if names is not None else None
            if name is not None:
                names.add(name.rsplit(".", 1)[-1])
        if self._construction(node) is not None:
            return
        if self.imports_compose and self.qualified(node.func) in COMPOSE_CLASSES:
            self.compose_calls.append((node, self.current_scope))
        func = node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method == "stop":
                ref = self.container_ref(func.value)
                for stopped in [ref] if ref is not None else self._loop_containers(func.value):
                    self._method_called(stopped, node)
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

    def leave_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, node.item, "with")

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

    # -- bindings (recorded in the walk) ------------------------------------------------------------

    @property
    def current_scope(self) -> Scope | ClassInfo:
        """The innermost scope being walked: a function, a class body, or the module."""
        return self.scopes[-1] if self.scopes else self.module_scope

    def _record(self, binding: Binding) -> None:
        key = binding.name
        scope = binding.scope
        if key.startswith(("self.", "self[", "cls.", "cls[")):
            owner = self.class_of(scope)
            if owner is None:
                return
            key = "self" + key[3:] if key.startswith("cls") else key
            scope = owner
            binding = Binding(key, binding.value, binding.kind, binding.node, owner)
        scope.bindings.setdefault(key, []).append(binding)

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None, kind: str) -> None:
        for binding in target_bindings(target, value, kind, self.current_scope):
            self._record(binding)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, None, "augmented")

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, None, "for")
        if isinstance(node.target, cst.Name) and isinstance(node.iter, (cst.List, cst.Tuple, cst.Set)):
            refs = [ref for element in node.iter.elements if (ref := self.container_ref(element.value)) is not None]
            if refs:
                self.scope.loop_containers[node.target.value] = refs

    def _loop_containers(self, expr: cst.BaseExpression) -> list[ContainerRef]:
        """The containers a loop variable runs over (`for c in [db, cache]: c.stop()`)."""
        if not isinstance(expr, cst.Name):
            return []
        for scope in [*self.enclosing_functions(), self.module_scope]:
            if expr.value in scope.loop_containers:
                return scope.loop_containers[expr.value]
        return []

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, node.value, "assign")

    def class_of(self, scope) -> ClassInfo | None:
        """The class whose `self`/`cls` a scope sees: the class of a method (or of a function nested in one)."""
        while scope is not None and not isinstance(scope, ClassInfo):
            scope = scope.parent if isinstance(scope, FunctionInfo) else None
        return scope

    def scope_chain(self, scope):
        """The scopes a name is looked up in, innermost first: class bodies only when they are the start."""
        yield scope
        parent = scope.parent if isinstance(scope, (FunctionInfo, ClassInfo)) else None
        while parent is not None:
            if isinstance(parent, FunctionInfo):
                yield parent
            parent = parent.parent
        if scope is not self.module_scope:
            yield self.module_scope

    def bindings(self, name: str, scope=None) -> list[Binding]:
        """The assignments of a name (or `self.x`, `a.b`, `d['k']`) visible from a scope, in source order."""
        scope = scope if scope is not None else self.current_scope
        if name.startswith(("self.", "cls.", "self[", "cls[")):
            owner = self.class_of(scope)
            if owner is None:
                return []
            tail = name[4:] if name.startswith("self") else name[3:]
            return owner.bindings.get("self" + tail) or owner.bindings.get(tail.lstrip(".").split(".")[0], [])
        for candidate in self.scope_chain(scope):
            found = candidate.bindings.get(name)
            if found:
                return found
        return []

    # -- what an expression holds (asked, never precomputed) ------------------------------------------

    def origin(self, expr: cst.BaseExpression, scope=None, _depth: int = 0) -> Origin:
        """The expression that made a value: names, `self.x`, `settings.x` (a keyword of the call that
        built `settings`, or a class constant), `d["k"]` (a dict literal's entry) are followed back."""
        scope = scope if scope is not None else self.current_scope
        if _depth > MAX_DEPTH:
            return Origin(expr, scope)
        key = key_of(expr)
        if key is not None:
            found = self.bindings(key, scope)
            binding = next((b for b in reversed(found) if (b.value is not None or b.kind != "assign") and not self._updates_itself(b)), None)
            if binding is not None:
                if binding.kind == "param":
                    return Origin(expr, binding.scope, param=binding.name)
                if binding.value is not None and binding.kind in ("assign", "with"):
                    return self.origin(binding.value, binding.scope, _depth + 1)
                return Origin(expr, scope)
        if isinstance(expr, cst.Name) and key is not None and not self.bindings(key, scope):
            constant = self._imported_constant(expr)
            if constant is not None:
                return Origin(constant, self.module_scope)
        if isinstance(expr, cst.Attribute):
            if self.project.modules and isinstance(expr.value, (cst.Name, cst.Attribute)) and not self.bindings(key_of(expr.value) or "", scope):
                constant = self._imported_constant(expr)
                if constant is not None:
                    return Origin(constant, self.module_scope)
            return self._attribute_origin(expr, scope, _depth)
        if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
            index = literal_key(expr.slice[0].slice.value)
            base = self.origin(expr.value, scope, _depth + 1)
            if index is not None and isinstance(base.expr, cst.Dict):
                value = dict_value(base.expr, index)
                if value is not None:
                    return self.origin(value, base.scope, _depth + 1)
        return Origin(expr, scope)

    def _updates_itself(self, binding: Binding) -> bool:
        """`stmt = stmt.where(...)`, `url = url + "/0"`: the value reads the name it rebinds, so where the
        value comes from is an earlier binding."""
        known = self._self_updates.get(id(binding))
        if known is None:
            known = binding.value is not None and any(
                isinstance(node, (cst.Name, cst.Attribute)) and key_of(node) == binding.name for node in descendants(binding.value)
            )
            self._self_updates[id(binding)] = known
        return known

    def _attribute_origin(self, expr: cst.Attribute, scope, depth: int) -> Origin:
        attribute = expr.attr.value
        if isinstance(expr.value, cst.Name):
            owner = self._class_named(expr.value.value, scope)
            if owner is not None and owner.bindings.get(attribute):
                binding = owner.bindings[attribute][-1]
                if binding.value is not None:
                    return self.origin(binding.value, owner, depth + 1)
        base = self.origin(expr.value, scope, depth + 1)
        if isinstance(base.expr, cst.Call):
            value = keyword_value(base.expr, attribute)
            if value is not None:
                return self.origin(value, base.scope, depth + 1)
            owner = self._class_named(base.expr.func.value, base.scope) if isinstance(base.expr.func, cst.Name) else None
            defaults = owner.bindings.get(attribute) if owner is not None and not base.expr.args else None
            if defaults and defaults[-1].value is not None:  # `Settings().image`: the class's default
                return self.origin(defaults[-1].value, owner, depth + 1)
        return Origin(expr, scope)

    def _class_named(self, name: str, scope) -> ClassInfo | None:
        found = self.bindings(name, scope)
        if found and found[-1].kind == "class":
            return self._class_of_node.get(id(found[-1].node))
        return None

    def string_of(self, expr: cst.BaseExpression, scope=None, _depth: int = 0) -> StringValue | None:
        """The text a string expression holds, as literal parts (with the literal each comes from) and
        unknown parts; None when the expression is not known to be a string."""
        scope = scope if scope is not None else self.current_scope
        if _depth > MAX_DEPTH:
            return None
        if isinstance(expr, cst.SimpleString):
            value = expr.evaluated_value
            return StringValue((Part(value, expr, scope),)) if isinstance(value, str) else None
        if isinstance(expr, cst.Integer):
            return StringValue((Part(str(int(expr.evaluated_value)), expr, scope),))
        if isinstance(expr, cst.ConcatenatedString):
            return self._joined(expr.left, expr.right, scope, _depth)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
            return self._joined(expr.left, expr.right, scope, _depth)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Modulo):
            return self._filled(expr.left, percent_fields, percent_arguments(expr.right), scope, _depth)
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "format":
            return self._filled(expr.func.value, format_fields, format_arguments(expr), scope, _depth)
        if isinstance(expr, cst.FormattedString):
            parts: list[Part] = []
            for part in expr.parts:
                if isinstance(part, cst.FormattedStringText):
                    parts.append(Part(part.value, expr, scope))
                else:
                    inner = self.string_of(part.expression, scope, _depth + 1)
                    parts.extend(inner.parts if inner is not None else (Part(None, part.expression, scope),))
            return StringValue(tuple(parts))
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value in ("str", "int") and len(expr.args) == 1:
            return self.string_of(expr.args[0].value, scope, _depth + 1)
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "getattr" and len(expr.args) == 3:
            return self.string_of(expr.args[2].value, scope, _depth + 1)  # the default is what it holds when the attribute is missing
        origin = self.origin(expr, scope, _depth + 1)
        if origin.expr is not expr:
            return self.string_of(origin.expr, origin.scope, _depth + 1)
        return None

    def _filled(self, template, fields, arguments, scope, depth) -> StringValue | None:
        """`"...@127.0.0.1:{port}/{db}".format(port=p, db=d)` and `"...:%s/%s" % (p, d)`: the template's
        literal text with each field replaced by what its argument holds (an unknown part that is the
        argument itself, when its text is not known)."""
        shape = self.string_of(template, scope, depth + 1)
        if shape is None or arguments is None or not shape.known:
            return None
        parts: list[Part] = []
        counter = iter(range(len(arguments.positional)))
        for piece in shape.parts:
            pieces = fields(piece.text)
            if pieces is None:
                return None
            for text, slot in pieces:
                if text:
                    parts.append(Part(text, piece.node, piece.scope))
                if slot is None:
                    continue
                argument = argument_of(slot, arguments, counter)
                inner = self.string_of(argument, scope, depth + 1) if argument is not None else None
                parts.extend(inner.parts if inner is not None else (Part(None, argument if argument is not None else template, scope),))
        return StringValue(tuple(parts))

    def _joined(self, left, right, scope, depth) -> StringValue | None:
        first, second = self.string_of(left, scope, depth + 1), self.string_of(right, scope, depth + 1)
        if first is None and second is None:
            return None
        first = first or StringValue((Part(None, left, scope),))
        second = second or StringValue((Part(None, right, scope),))
        return StringValue(first.parts + second.parts)

    @property
    def fixture_graph(self):
        """The fixtures this module sees (its own and its conftests'), built when first asked."""
        if self._fixture_graph is None:
            from tclint.engine.fixture_graph import FixtureGraph

            self._fixture_graph = FixtureGraph(self, self.project)
        return self._fixture_graph

    def container_of(self, expr: cst.BaseExpression, scope=None, _depth: int = 0) -> Held | None:
        """The container an expression holds: one constructed here (followed through variables, `with
        ... as`, configuration chains and `self.x`), a fixture that starts one, `self` in a method of a
        container class, or a Docker Compose stack."""
        scope = scope if scope is not None else self.current_scope
        origin = self.origin(expr, scope)
        value = unwrap(origin.expr)
        for _ in range(MAX_DEPTH):  # a configuration chain, followed through the names it passes
            if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and is_self_returning(value.func.attr.value)):
                break
            value = value.func.value
            if isinstance(value, (cst.Name, cst.Attribute)):
                origin = self.origin(value, origin.scope)
                value = unwrap(origin.expr)
        if isinstance(value, cst.Call):
            cls = self.container_class_of(value.func)
            if cls is not None:
                return Held(cls, self._refs.get(id(value)))
            if self.qualified(value.func) in COMPOSE_CLASSES:
                return Held(None, compose=True)
            return self._factory_result(value, origin.scope, _depth)
        if isinstance(value, cst.Name) and value.value in ("self", "cls"):
            owner = self.class_of(origin.scope)
            if owner is not None and owner.node.name.value in self.local_container_classes:
                return Held(self.local_container_classes[owner.node.name.value], own=True)
        if self_attribute(value):
            owner = self.class_of(origin.scope)
            ref = owner.attributes.get(value.attr.value) if owner else None
            return Held(ref.cls, ref) if ref is not None else None
        if origin.param is not None and isinstance(origin.scope, FunctionInfo) and (origin.scope.fixture or origin.scope.is_test):
            if not self._fixture_may_hand_out_container(origin.param, _depth):
                return None
            signature = self.fixture_graph.container_behind(origin.param)
            if signature is not None:
                known = container_class(signature[0], self._configured) if len(signature) == 3 else None
                return Held(known, fixture=origin.param)
        return None

    def _fixture_may_hand_out_container(self, name: str, depth: int) -> bool:
        """False for a fixture of this module that hands out something else than a container (a URL, a
        client built from one): depending on a container fixture does not make its value a container."""
        fixture = next((f for f in self.module_functions.values() if f.fixture is not None and f.fixture.name == name), None)
        if fixture is None or depth > 3:
            return True
        handed_out = [node.value for node in descendants(fixture.node.body)
                      if isinstance(node, (cst.Return, cst.Yield)) and isinstance(node.value, cst.BaseExpression)]  # fmt: skip
        return not handed_out or any(self.container_of(value, fixture, depth + 1) is not None for value in handed_out)

    def _factory_result(self, call: cst.Call, scope, depth: int) -> Held | None:
        """The container a helper returns: one of this module (`start_postgres()`), or one another module
        of the project defines (from the project index)."""
        helper = self._local_function(call.func, scope)
        if helper is not None:
            return self._returned_container(helper, depth)
        qualname = self.qualified(call.func)
        imported = self.project.imported(qualname) if qualname and not qualname.startswith("testcontainers.") else None
        if imported is None:
            return None
        returned = self.imported_factory(imported)
        known = container_class(returned[1], self._configured) if returned else None
        return Held(known) if known is not None else None

    def imported_factory(self, imported: tuple | None) -> tuple[str, str, bool] | None:
        """(name, container class, whether it starts it) of a helper another project module defines."""
        if imported is None:
            return None
        facts, name = imported
        return next((factory for factory in facts.factories if factory[0] == name), None)

    def imported_helper(self, func: cst.BaseExpression) -> tuple[str, str, bool] | None:
        """The facts of the project helper a call calls, when another module of the project defines it."""
        qualname = self.qualified(func) if self.project.modules else None
        if qualname is None or qualname.startswith("testcontainers."):
            return None
        return self.imported_factory(self.project.imported(qualname))

    def _returned_container(self, function: FunctionInfo, depth: int) -> Held | None:
        if depth > 3:
            return None
        for node in descendants(function.node.body):
            if isinstance(node, (cst.Return, cst.Yield)) and isinstance(node.value, cst.BaseExpression):
                held = self.container_of(node.value, function, depth + 1)
                if held is not None:
                    return held
        return None

    def address_role(self, expr: cst.BaseExpression, scope=None, _depth: int = 0) -> str | None:
        """"host", "port" or "url" when an expression is what a container hands out for reaching it
        (`c.get_container_host_ip()`, `c.get_exposed_port(5432)`, `c.get_connection_url()`), directly or
        as what a function of this module returns (`cls._get_port()`)."""
        origin = self.origin(expr, scope)
        value = unwrap(origin.expr)
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in ("int", "str") and value.args:
            return self.address_role(value.args[0].value, origin.scope, _depth)
        if not isinstance(value, cst.Call):
            return None
        method = value.func.attr.value if isinstance(value.func, cst.Attribute) else None
        if method in CONTAINER_HOST_METHODS:
            return "host"
        if method in CONTAINER_PORT_METHODS:
            return "port"
        if method in CONTAINER_URL_METHODS and self.container_of(value.func.value, origin.scope) is not None:
            return "url"
        for function in self.functions_called(value, origin.scope) if _depth < 3 else ():
            for node in descendants(function.node.body):
                if isinstance(node, cst.Return) and node.value is not None:
                    role = self.address_role(node.value, function, _depth + 1)
                    if role is not None:
                        return role
        return None

    def functions_called(self, call: cst.Call, scope) -> list[FunctionInfo]:
        """The functions of this module a call may run: a function by name, or `self.m()` / `cls.m()`:
        the class's method and its overrides in the module's subclasses (which runs depends on the instance)."""
        local = self._local_function(call.func, scope)
        if local is not None:
            return [local]
        if not self_attribute(call.func):
            return []
        owner = self.class_of(scope)
        if owner is None:
            return []
        name = call.func.attr.value
        family = [owner, *self._subclasses(owner)]
        return [cls.methods[name] for cls in family if name in cls.methods]

    def _subclasses(self, owner: ClassInfo) -> list[ClassInfo]:
        """The classes of this module that derive from a class, directly or not."""
        found: list[ClassInfo] = []
        names = {owner.node.name.value}
        for cls in self.classes:  # source order: a subclass follows its base
            if cls is not owner and any(isinstance(base.value, cst.Name) and base.value.value in names for base in cls.node.bases):
                found.append(cls)
                names.add(cls.node.name.value)
        return found

    def callee(self, call: cst.Call, scope=None) -> str | None:
        """The qualified name a call calls, through imports and local aliases (`make = redis.Redis`)."""
        found = self.qualified(call.func)
        if found is None and isinstance(call.func, cst.Name):
            origin = self.origin(call.func, scope)
            if origin.expr is not call.func:
                found = self.qualified(origin.expr)
        return found

    def client_of(self, expr: cst.BaseExpression, scope=None, _depth: int = 0) -> ClientUse | None:
        """The client of a service an expression holds: built by a known client library, handed out by
        a container (`get_client()`), or any object built from a container's address, URL or client."""
        scope = scope if scope is not None else self.current_scope
        if _depth > 3:
            return None
        origin = self.origin(expr, scope)
        value = unwrap(origin.expr)
        if isinstance(value, cst.Subscript):  # `client["app"]`: a database of the client, closed with it
            whole = self.client_of(value.value, origin.scope, _depth + 1)
            return dataclasses.replace(whole, part=True) if whole is not None and whole.client is not None else None
        if not isinstance(value, cst.Call):
            return None
        name = self.callee(value, origin.scope) or ""
        if name in CLIENTS:
            return ClientUse(CLIENTS[name], value, name, origin.scope)
        if isinstance(value.func, cst.Attribute):
            held = self.container_of(value.func.value, origin.scope)
            if held is not None and held.cls is not None:
                returned = client_method_type(held.cls.qualname, value.func.attr.value)
                if returned is not None:
                    return ClientUse(CLIENTS.get(returned), value, returned, origin.scope)
        helper = self._local_function(value.func, origin.scope)
        if helper is not None:
            return self._returned_client(helper, _depth)
        imported = self.project.imported(name) if name and self.project.modules and not name.startswith("testcontainers.") else None
        if imported is not None:
            facts, helper_name = imported
            entry = next((entry for entry in facts.clients if entry[0] == helper_name), None)
            return ClientUse(CLIENTS.get(entry[1]), value, entry[1], origin.scope, part=len(entry) > 2) if entry is not None else None
        written = name or source_of(value.func)
        last = written.rsplit(".", 1)[-1]
        looks_like_client = last[:1].isupper() or CLIENT_WORDS.search(last)
        if looks_like_client and not SETTINGS.search(last) and self.built_from_container(value, origin.scope, _depth):
            return ClientUse(None, value, written, origin.scope)
        return None

    def _local_function(self, func: cst.BaseExpression, scope) -> FunctionInfo | None:
        if not isinstance(func, cst.Name):
            return None
        found = self.bindings(func.value, scope)
        if found and found[-1].kind == "def":
            return self._function_of_node.get(id(found[-1].node))
        return None

    def _returned_client(self, function: FunctionInfo, depth: int) -> ClientUse | None:
        """A helper of this module that builds and returns a client."""
        if depth > 3:
            return None
        for node in descendants(function.node.body):
            if isinstance(node, cst.Return) and node.value is not None:
                found = self.client_of(node.value, function, depth + 1)
                if found is not None:
                    return found
        return None

    def built_from_container(self, call: cst.Call, scope, _depth: int = 0) -> bool:
        """A call whose arguments carry a container's address, URL, client or the container itself."""
        for arg in call.args:
            argument = arg.value
            if self.address_role(argument, scope) is not None or self.container_of(argument, scope) is not None:
                return True
            text = self.string_of(argument, scope)
            if text is not None and any(part.text is None and self.address_role(part.node, part.scope) for part in text.parts):
                return True
            if _depth < 2:
                inner = unwrap(self.origin(argument, scope).expr)
                if isinstance(inner, cst.Call) and (self.client_of(inner, scope, _depth + 1) or self.built_from_container(inner, scope, _depth + 1)):
                    return True
        return False

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


def constant_value(value: cst.BaseExpression) -> str | int | tuple | None:
    """What a module-level constant holds, when it is a string, an integer or a tuple of them."""
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        return literal_string(value)
    if isinstance(value, cst.Integer):
        return int(value.evaluated_value)
    if isinstance(value, cst.Tuple) and value.elements:
        items = tuple(constant_value(element.value) for element in value.elements if not isinstance(element, cst.StarredElement))
        return items if len(items) == len(value.elements) and None not in items else None
    return None


def declared_all(module: cst.Module) -> tuple[str, ...] | None:
    """The names a module's `__all__` lists: assigned a literal list or tuple of strings, extended by
    `+=`, `.extend(...)` or `.append(...)` with literals; None when it is built any other way."""
    names: list[str] | None = None
    for statement in top_level_statements(module):
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            change = _all_change(small)
            if change is None:
                continue
            value, extends = change
            listed = _literal_strings(value)
            if listed is None or (extends and names is None):
                return None
            names = [*names, *listed] if extends else listed
    return tuple(names) if names is not None else None


def _all_change(small: cst.BaseSmallStatement) -> tuple[cst.BaseExpression | None, bool] | None:
    """(the value, whether it extends `__all__`) when the statement changes `__all__`."""
    if isinstance(small, cst.Assign) and any(_is_all(target.target) for target in small.targets):
        return small.value, False
    if isinstance(small, cst.AnnAssign) and _is_all(small.target):
        return small.value, False
    if isinstance(small, cst.AugAssign) and _is_all(small.target):
        return (small.value if isinstance(small.operator, cst.AddAssign) else None), True
    call = small.value if isinstance(small, cst.Expr) else None
    if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and _is_all(call.func.value) and len(call.args) == 1:
        method, argument = call.func.attr.value, call.args[0].value
        if method == "extend":
            return argument, True
        if method == "append":
            return cst.List([cst.Element(argument)]), True
    return None


def _is_all(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "__all__"


def _literal_strings(value: cst.BaseExpression | None) -> list[str] | None:
    if not isinstance(value, (cst.List, cst.Tuple)):
        return None
    listed = [literal_string(element.value) if isinstance(element, cst.Element) else None for element in value.elements]
    return None if None in listed else listed


def literal_integer(expr: cst.BaseExpression) -> int | None:
    return int(expr.evaluated_value) if isinstance(expr, cst.Integer) else None


def subclass_of(base: ContainerClass, node: cst.ClassDef, integer=literal_integer) -> ContainerClass:
    """A project's container class: its base's facts with the image, ports and readiness it sets itself
    (`__init__(self, image="minio:latest")`, `super().__init__("nginx:1.27")`, `with_exposed_ports(9000)`,
    its own `start()` or `waiting_for(...)`). `integer` reads a port: a literal, or a constant it knows."""
    image, ports, waits = base.default_image, set(base.ports), base.waits_until_ready
    for statement in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
        if not isinstance(statement, cst.FunctionDef):
            continue
        if statement.name.value in ("start", "_connect"):
            waits = True
        if statement.name.value != "__init__":
            continue
        params = statement.params
        for param in (*params.params, *params.kwonly_params):
            default = param.default
            if param.name.value == "image" and literal_string(default) is not None:
                image = literal_string(default)
            elif (param.name.value == "port" or param.name.value.endswith("_port")) and default is not None and integer(default) is not None:
                ports.add(integer(default))
        for call in descendants(statement.body):
            if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)):
                continue
            method = call.func.attr.value
            if method == "__init__" and call.args and call.args[0].keyword in (None,) and literal_string(call.args[0].value):
                image = literal_string(call.args[0].value)
            elif method == "__init__" and literal_string(keyword_value(call, "image")):
                image = literal_string(keyword_value(call, "image"))
            elif method == "with_exposed_ports":
                ports.update(port for arg in call.args if (port := integer(arg.value)) is not None)
            elif method in ("waiting_for", "wait_for_logs"):
                waits = True
    return dataclasses.replace(base, default_image=image, ports=tuple(sorted(ports)), waits_until_ready=waits)


def descendants(node: cst.CSTNode):
    """The node and everything below it that the walk visits."""
    from tclint.engine.walk import children

    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))
