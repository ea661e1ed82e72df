"""TCL201 client-fixture-without-cleanup: a per-test client of a container-backed service whose teardown
does not both close it and reset the data the test wrote."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from tclint.diagnostics import SAFE, UNSAFE
from tclint.engine.fixes import Fix
from tclint.engine.model import SETTINGS, ClassInfo, ClientUse, FunctionInfo, descendants, literal_string, self_attribute, source_of
from tclint.engine.rule import Rule
from tclint.engine.semantic import unwrap
from tclint.engine.walk import children
from tclint.knowledge import (
    CLOSE_WORDS,
    CONTAINER_ACCESSORS,
    CONTAINER_FIXTURE_SUFFIX,
    DATA_WORDS,
    FINALIZER_METHODS,
    RESET_STATEMENTS,
    RESET_WORDS,
    Client,
    fixture_scope,
)  # fmt: skip

# a class of another library or of the project whose name says what it is
CLIENT_CLASS = re.compile(r"^[A-Z]\w*(Client|Connection|Engine|Session|Pool|Repository|Store|Producer|Consumer)$")
RESET_METHOD = re.compile(RESET_WORDS, re.IGNORECASE)
CLOSE_METHOD = re.compile(CLOSE_WORDS)
RESET_STATEMENT = re.compile(RESET_STATEMENTS)
DATA = re.compile(DATA_WORDS, re.IGNORECASE)


@dataclass(frozen=True)
class HandedOut:
    statement: cst.SimpleStatementLine
    value: cst.BaseExpression
    kind: str  # "return" or "yield"


@dataclass(frozen=True)
class Teardown:
    closes: bool
    resets: bool


class ClientFixtureWithoutCleanup(Rule):
    name = "client-fixture-without-cleanup"

    def finish(self) -> None:
        for function in self.model.functions:
            fixture = function.fixture
            if fixture is None or fixture.scope != "function":
                continue
            handed = self.handed_out(function)
            found = self.client_handed_out(handed, function) if handed is not None else None
            if found is None or not self.container_backed(function, found):
                continue
            if self.fresh_container_per_test(function, found):
                continue  # the container leaves with the test, and the data and connections in it
            if found.client is None and self.consumes_fixture_objects(found):
                continue  # a wrapper over what other per-test fixtures hand out: they own the cleanup
            needs_close, needs_reset = self.needs(found, fixture.name)
            teardown = self.teardown(function, handed, found)
            if (teardown.closes or not needs_close) and (teardown.resets or not needs_reset):
                continue
            message = self.message(fixture.name, found, teardown, needs_close, needs_reset)
            fix = self.cleanup(handed, found, function) if not (teardown.closes or teardown.resets) else None
            self.report(handed.statement, message, fix)

    def client_handed_out(self, handed: HandedOut, function: FunctionInfo) -> ClientUse | None:
        """The client the fixture hands out: the value itself, or an element of the tuple it hands out
        (`return container, connection`)."""
        value = handed.value
        candidates = [element.value for element in value.elements] if isinstance(value, (cst.Tuple, cst.List)) else [value]
        for candidate in candidates:
            found = self.model.client_of(candidate, function) or self.named_client(candidate, function)
            if found is not None:
                return found
        return None

    def named_client(self, value: cst.BaseExpression, function: FunctionInfo) -> ClientUse | None:
        """A construction whose class name says it is a client (`RedisClient(config)`, `connect(...)`)."""
        origin = self.model.origin(value, function)
        call = unwrap(origin.expr)
        if not isinstance(call, cst.Call):
            return None
        callee = source_of(call.func).rsplit(".", 1)[-1]
        if CLIENT_CLASS.match(callee):
            return ClientUse(None, call, callee, origin.scope)
        if callee == "connect":
            return ClientUse(None, call, source_of(call.func), origin.scope)  # `psycopg2.connect`: the module says what
        return None

    def container_backed(self, function: FunctionInfo, found: ClientUse) -> bool:
        if self.model.built_from_container(found.construction, found.scope):
            return True
        graph = self.model.fixture_graph
        if any(graph.container_behind(param) for param in function.params):
            return True
        if any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in CONTAINER_ACCESSORS
               for n in descendants(function.node.body)):  # fmt: skip
            return True
        return found.client is not None and self.module_container_behind_unseen_fixture(function)

    def module_container_behind_unseen_fixture(self, function: FunctionInfo) -> bool:
        """A known client whose fixtures lead to one tclint cannot see (a `pytest_plugins` module's
        `settings`), in a module that starts a container for the session: the container is the service
        the client reaches (`db_engine(settings)` beside `db_port()` starting PostgreSQL)."""
        graph = self.model.fixture_graph
        starts = any(f.fixture is not None and f.fixture.scope not in ("function", None) and self.model.containers_started_by(f)
                     for f in self.model.module_functions.values())  # fmt: skip
        return starts and self.reaches_unseen_fixture(function.params, graph, frozenset())

    def reaches_unseen_fixture(self, params: list[str], graph, seen: frozenset) -> bool:
        for param in params:
            fixture = graph.fixtures.get(param)
            if fixture is None and fixture_scope(param) is None and param not in ("request", "self", "cls"):
                return True
            if fixture is not None and param not in seen and self.reaches_unseen_fixture(list(fixture.params), graph, seen | {param}):
                return True
        return False

    @staticmethod
    def needs(found: ClientUse, fixture: str) -> tuple[bool, bool]:
        """(must be closed, must be reset): from the client's table entry; a client tclint does not know
        must be closed, and reset too when its type or the fixture's name says it holds data
        (`UserRepository`, `CounterStore`, `redis_client`), not when they only say how it connects
        (`ConnectionPool`, `ApiClient`): the address it connects to names every container-backed client."""
        if found.client is not None:
            return bool(found.client.closes), bool(found.client.resets)
        return True, bool(DATA.search(f"{fixture} {found.type_name.rsplit('.', 1)[-1]}"))

    def fresh_container_per_test(self, function: FunctionInfo, found: ClientUse) -> bool:
        """Every container behind the fixture is started for each test and stopped after it, which takes
        the test's data and connections with it: by the fixture itself (`with MongoDbContainer() as
        mongo: yield App(mongo)`; widening its scope, function-scoped-container-fixture's fix, widens
        the client's too), or, for a wrapper tclint cannot clean, by the function-scoped fixtures it
        uses. A known client over a per-test container fixture is still reported, with the cleanup
        that makes sharing that container safe once its scope is widened."""
        graph = self.model.fixture_graph
        behind = [param for param in function.params if graph.container_behind(param)]
        own = [ref for _, ref in self.model.containers_started_by(function)]
        if not own and (not behind or found.client is not None):
            return False
        return all(ref.stopped for ref in own) and all(self.started_per_test(param, graph, frozenset()) for param in behind)

    def started_per_test(self, name: str, graph, seen: frozenset) -> bool:
        fixture = graph.fixtures.get(name)
        if fixture is None or fixture.scope != "function" or name in seen:
            return False
        if fixture.container is not None:
            return True
        leading = [param for param in fixture.params if graph.container_behind(param)]
        return bool(leading) and all(self.started_per_test(param, graph, seen | {name}) for param in leading)

    # -- who owns the connection ------------------------------------------------------------------

    def consumes_fixture_objects(self, found: ClientUse) -> bool:
        """An object of a type tclint does not know, built only over what other per-test fixtures hand
        out (`Gateway(session=session, api=api_client)`, `UserRepository(session)`): the fixtures that
        made those objects close and reset them; this one opens nothing of its own."""
        sources = self.connection_sources(found.construction, found.scope, 0)
        return bool(sources) and all(source == "fixture" for source in sources)

    def connection_sources(self, call: cst.Call, scope, depth: int) -> list[str]:
        """For each argument that brings the service: "own" (a container, its address or URL, a client
        built here, a config or a shared object) or "fixture" (an object a per-test fixture hands out)."""
        model = self.model
        found: list[str] = []
        graph = model.fixture_graph
        for arg in call.args:
            value = arg.value
            origin = model.origin(value, scope)
            fixture_param = origin.param is not None and isinstance(origin.scope, FunctionInfo) and origin.scope.fixture is not None
            if fixture_param and graph.container_behind(origin.param):
                found.append("fixture" if self.per_test_object(origin.param) else "own")
                continue
            if model.container_of(value, scope) is not None:
                found.append("own")
                continue
            text = model.string_of(value, scope)
            if model.address_role(value, scope) is not None or (
                text is not None and any(part.text is None and model.address_role(part.node, part.scope) for part in text.parts)
            ):
                found.append("own")
                continue
            inner = unwrap(origin.expr)
            if isinstance(inner, cst.Call) and depth < 3:
                client = model.client_of(inner, origin.scope)
                if client is not None and client.client is not None:
                    found.append("own")
                else:
                    found.extend(self.connection_sources(inner, origin.scope, depth + 1))
        return found

    def per_test_object(self, name: str) -> bool:
        """A fixture that hands each test an object of its own (not a container, a config or URL, or an
        object shared across tests)."""
        if name.endswith(CONTAINER_FIXTURE_SUFFIX) or SETTINGS.search(name):
            return False
        fixture = self.model.fixture_graph.fixtures.get(name)
        return fixture is None or (fixture.container is None and fixture.scope == "function")

    @staticmethod
    def handed_out(function: FunctionInfo) -> HandedOut | None:
        """The fixture's `yield x` or its final `return x`."""
        for statement in function.body:
            for node in _own_nodes(statement):
                if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1:
                    small = node.body[0]
                    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Yield) and isinstance(small.value.value, cst.BaseExpression):
                        return HandedOut(node, small.value.value, "yield")
        last = function.body[-1] if function.body else None
        if isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1 and isinstance(last.body[0], cst.Return) and last.body[0].value is not None:
            return HandedOut(last, last.body[0].value, "return")
        return None

    # -- what the teardown does -------------------------------------------------------------------

    def teardown(self, function: FunctionInfo, handed: HandedOut, found: ClientUse) -> Teardown:
        """What runs around the test. Closing: code after the `yield` (and `finally` blocks around it),
        callables given to `request.addfinalizer(...)` (nested functions, lambdas, bound methods), and
        the exit of a `with` block the client was opened by. Resetting: the same, and a reset before the
        `yield` (`flushdb()`, `TRUNCATE`, `drop_all` then `create_all`: each test starts from nothing)
        in this fixture or in a function-scoped fixture it depends on."""
        nodes: list[cst.CSTNode] = []
        before: list[cst.CSTNode] = []
        after = False
        for node in self.sequence(function):
            if node is handed.statement:
                after = True
            else:
                (nodes if after else before).append(node)
        closes = handed.kind == "yield" and self.opened_by_with(function, handed, found)
        nested = {n.name: n for n in function.nested}
        for node in [*before, *nodes]:
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in FINALIZER_METHODS:
                for arg in node.args:
                    nodes.extend(n for registered in self.registered(arg.value, nested) for n in descendants(registered))
        names = [n.attr.value for n in nodes if isinstance(n, cst.Attribute)] + [n.value for n in nodes if isinstance(n, cst.Name)]
        closes = closes or any(CLOSE_METHOD.search(name) for name in names)
        resets = any(RESET_METHOD.search(name) for name in names) or _resets(before)
        resets = resets or any(RESET_STATEMENT.search(text) for n in nodes if (text := literal_string(n)) is not None)
        resets = resets or any(self.cleans_through_helper(n, handed) for n in nodes if isinstance(n, cst.Call))
        resets = resets or self.reset_by_dependency(function, _argument_names(found.construction), frozenset())
        resets = resets or self.reset_by_autouse_fixture(function) or self.reset_by_dependent(function)
        resets = resets or self.reset_by_own_methods(function, handed, found, nodes)
        return Teardown(closes, resets)

    def reset_by_own_methods(self, function: FunctionInfo, handed: HandedOut, found: ClientUse, after: list[cst.CSTNode]) -> bool:
        """A wrapper whose class this module defines, torn down through its own methods: the exit of the
        `with` block that opened it runs `__exit__`/`__aexit__`, a method called on it after the test (or
        registered as a finalizer) runs that method. Each is read in the class's definition, with the
        methods it calls on `self`: a `close()` that deletes what the wrapper wrote resets."""
        owner = self.class_built_by(found)
        if owner is None:
            return False
        methods: set[str] = set()
        if handed.kind == "yield" and self.with_item_of(function, found.construction) is not None:
            methods.update(("__exit__", "__aexit__"))
        for node in after:
            target = node.func if isinstance(node, cst.Call) else node
            if isinstance(target, cst.Attribute) and unwrap(self.model.origin(target.value, function).expr) is found.construction:
                methods.add(target.attr.value)
        return any(self.method_resets(owner, method, frozenset()) for method in methods)

    def class_built_by(self, found: ClientUse) -> ClassInfo | None:
        """The class of this module whose constructor call built the client (`Adapter(client)`)."""
        func = found.construction.func
        if not isinstance(func, cst.Name):
            return None
        bound = self.model.bindings(func.value, found.scope)
        if not bound or bound[-1].kind != "class":
            return None
        return next((cls for cls in self.model.classes if cls.node is bound[-1].node), None)

    def method_resets(self, owner: ClassInfo, name: str, seen: frozenset) -> bool:
        """The method (of the class or a base class of the module) removes data, itself or through the
        methods it calls on `self`."""
        method = self.method_of(owner, name)
        if method is None or name in seen:
            return False
        nodes = list(self.sequence(method))
        if _resets(nodes):
            return True
        called = {n.func.attr.value for n in nodes if isinstance(n, cst.Call) and self_attribute(n.func)}
        return any(self.method_resets(owner, other, seen | {name}) for other in called)

    def method_of(self, owner: ClassInfo, name: str, depth: int = 0) -> FunctionInfo | None:
        if name in owner.methods:
            return owner.methods[name]
        for base in owner.node.bases:
            bound = self.model.bindings(base.value.value, self.model.module_scope) if isinstance(base.value, cst.Name) else []
            parent = next((cls for cls in self.model.classes if bound and cls.node is bound[-1].node), None)
            found = self.method_of(parent, name, depth + 1) if parent is not None and depth < 5 else None
            if found is not None:
                return found
        return None

    def with_item_of(self, function: FunctionInfo, call: cst.Call) -> cst.WithItem | None:
        """The `with` item of the fixture whose value is the call (`async with Adapter(client) as ps`)."""
        for node in self.sequence(function):
            if isinstance(node, cst.With):
                for item in node.items:
                    if unwrap(item.item) is call:
                        return item
        return None

    def reset_by_dependent(self, function: FunctionInfo) -> bool:
        """A function-scoped fixture of the module that requests this one and empties the service
        (`init_db(db_manager)` dropping and creating the tables before each test): it runs for every test
        that uses both. One that deletes only what it made (`session.delete(row)` of the row it added)
        cleans up its own products, not the tests' data."""
        name = function.fixture.name
        return any(
            other is not function and other.fixture is not None and other.fixture.scope == "function"
            and name in other.params and _resets(self.not_on_own_products(other))
            for other in self.model.module_functions.values()
        )  # fmt: skip

    def not_on_own_products(self, function: FunctionInfo) -> list[cst.CSTNode]:
        """The function's nodes but the calls handed a value the function itself assigned."""
        made = {name for name, bound in function.bindings.items() if any(b.kind == "assign" for b in bound)}
        return [node for node in self.sequence(function)
                if not (isinstance(node, cst.Call) and any(isinstance(a.value, cst.Name) and a.value.value in made for a in node.args))]  # fmt: skip

    def reset_by_autouse_fixture(self, function: FunctionInfo) -> bool:
        """A function-scoped autouse fixture of the module that hands out nothing and empties the service
        (`yield` then `TRUNCATE`) runs around every test of the module, this fixture's included."""
        return any(
            other is not function and other.fixture is not None and other.fixture.autouse
            and other.fixture.scope == "function" and self.hands_out_nothing(other) and _resets(self.sequence(other))
            for other in self.model.module_functions.values()
        )  # fmt: skip

    def reset_by_dependency(self, function: FunctionInfo, sources: set[str], seen: frozenset) -> bool:
        """A function-scoped fixture of this module that the fixture uses resets the service for each
        test: one that hands out nothing (`janitor.drop(); janitor.init()`, `yield` then `flushdb()`), or
        the one whose value the client is opened on (an engine fixture that migrates down after the test).
        Followed through the fixtures those depend on. One that hands out something else and deletes
        things (a factory removing what it made) cleans up its own products, not the tests' data."""
        for param in function.params:
            dependency = self.local_fixture(param)
            if dependency is None or dependency.fixture.scope != "function" or param in seen:
                continue
            if (param in sources or self.hands_out_nothing(dependency)) and _resets(self.sequence(dependency)):
                return True
            if self.reset_by_dependency(dependency, self.names_handed_out(dependency), seen | {param}):
                return True
        return False

    def names_handed_out(self, function: FunctionInfo) -> set[str]:
        """The names the value a fixture hands out is opened on (`engine` for `yield
        AsyncSession(engine)` or `session = AsyncSession(engine); yield session`; not the callee: a
        factory fixture called is not what the value is opened on)."""
        handed = self.handed_out(function)
        if handed is None:
            return set()
        made = unwrap(self.model.origin(handed.value, function).expr)
        return _opened_on(made)

    def hands_out_nothing(self, function: FunctionInfo) -> bool:
        handed = self.handed_out(function)
        return handed is None or (isinstance(handed.value, cst.Name) and handed.value.value == "None")

    def local_fixture(self, name: str) -> FunctionInfo | None:
        return next((f for f in self.model.module_functions.values() if f.fixture is not None and f.fixture.name == name), None)

    @staticmethod
    def sequence(function: FunctionInfo):
        """The function's own nodes in source order (not those of nested functions)."""
        for statement in function.body:
            yield from _own_nodes(statement)

    @staticmethod
    def registered(value: cst.BaseExpression, nested: dict[str, FunctionInfo]) -> list[cst.CSTNode]:
        if isinstance(value, cst.Name) and value.value in nested:
            return [nested[value.value].node.body]
        if isinstance(value, (cst.Lambda, cst.Attribute, cst.Call)):
            return [value]
        return []

    @staticmethod
    def opened_by_with(function: FunctionInfo, handed: HandedOut, found: ClientUse) -> bool:
        """`with Client(...) as client: yield client`, `async with httpx.AsyncClient() as http: yield
        Api(http)`: the block's exit closes the client, or the connection the handed-out object wraps."""
        wrapped = _argument_names(found.construction)
        value = handed.value
        handed_names = {source_of(e.value) for e in value.elements} if isinstance(value, (cst.Tuple, cst.List)) else {source_of(value)}
        for node in descendants(function.node.body):
            if isinstance(node, cst.With) and any(n is handed.statement for n in descendants(node.body)):
                names = {source_of(item.asname.name) for item in node.items if item.asname is not None}
                if names & (handed_names | wrapped):
                    return True
        return False

    @staticmethod
    def cleans_through_helper(call: cst.Call, handed: HandedOut) -> bool:
        """`reset_database(client)`, `cleanup(engine)`: a helper handed the client after the test."""
        handed_code = source_of(handed.value)
        return any(source_of(arg.value) == handed_code for arg in call.args) and not (
            isinstance(call.func, cst.Attribute) and CLOSE_METHOD.search(call.func.attr.value)
        )

    # -- the report ---------------------------------------------------------------------------------

    @staticmethod
    def message(fixture: str, found: ClientUse, teardown: Teardown, needs_close: bool, needs_reset: bool) -> str:
        kind = found.type_name.rsplit(".", 1)[-1]
        if found.client is not None:
            label = _with_article(found.client.label)
            label = f"a database of {label}" if found.part else label
        elif kind == "connect":
            label = f"a `{found.type_name}` connection"
        else:
            label = _with_article(f"`{kind}`")
        if teardown.closes and needs_reset:
            return f"Fixture `{fixture}` hands every test {label} and closes it, but leaves the data the test wrote: reset it after the test"
        if teardown.resets and needs_close:
            return f"Fixture `{fixture}` hands every test {label} and resets its data, but never closes it"
        if not needs_close:
            return f"Fixture `{fixture}` hands every test {label} and removes nothing the test created"
        if not needs_reset:
            return f"Fixture `{fixture}` hands every test {label} and never closes it"
        if found.client is None:
            return f"Fixture `{fixture}` hands every test {label} and cleans nothing up after it: remove the test's data and close the client after `yield`"
        return f"Fixture `{fixture}` hands every test {label} and leaves its data and connection behind"

    # -- the fix ----------------------------------------------------------------------------------

    def cleanup(self, handed: HandedOut, found: ClientUse, function: FunctionInfo) -> Fix | None:
        client = found.client
        if client is None or found.part or not client.cleanup or (client.awaited and not function.is_async):
            return None  # a part of a client (`client["app"]`) has no name for the client to close
        if function.body[-1] is not handed.statement or found.construction is not unwrap(self.model.origin(handed.value, function).expr):
            return None  # more code after the yield, a return inside a block, a tuple: written by hand
        variable = handed.value.value if isinstance(handed.value, cst.Name) else None
        name = variable or "client"
        database = self.database_name(name, function) if client.needs_database else None
        if client.needs_database and database is None:
            return None
        indent = self.context.module.default_indent
        drops = self.drop_tables(function, client)
        templates = drops + list(client.cleanup)
        lines = [line.format(client=name, database=database, indent=indent) for line in templates]
        cleanup = [cst.parse_statement(line + "\n") for line in lines]
        comment = handed.statement.trailing_whitespace
        yielded = cst.SimpleStatementLine(body=[cst.Expr(cst.Yield(value=cst.Name(name)))], trailing_whitespace=comment,
                                          leading_lines=handed.statement.leading_lines)  # fmt: skip
        first: list = []
        if variable is None:  # `return Redis(...)`: the client needs a name to be cleaned up
            first = [cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=handed.value)],
                                             leading_lines=handed.statement.leading_lines)]  # fmt: skip
            yielded = yielded.with_changes(leading_lines=[])
        replacement = [(handed.statement, cst.FlattenSentinel([*first, yielded, *cleanup]))]
        returned = handed.kind == "return"
        if drops or any(f".{reset}(" in line for line in client.cleanup for reset in client.resets):  # it deletes data
            return Fix("Yield the client and clean up after the test" if returned else "Clean up after the `yield`", UNSAFE, replacement)
        # closing after the test changes nothing the test sees: safe
        return Fix("Yield the client and close it after the test" if returned else "Close the client after the `yield`", SAFE, replacement)

    @staticmethod
    def database_name(variable: str, function: FunctionInfo) -> str | None:
        """The database the fixture opens: `client["name"]` or `client.get_database("name")`."""
        for node in descendants(function.node.body):
            if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and node.value.value == variable:
                element = node.slice[0].slice if node.slice else None
                if isinstance(element, cst.Index) and literal_string(element.value) is not None:
                    return source_of(element.value)
            if _method_call_on(node, variable, "get_database") and node.args:
                return source_of(node.args[0].value)
        return None

    @staticmethod
    def drop_tables(function: FunctionInfo, client: Client) -> list[str]:
        """The fixture ran `<metadata>.create_all`: the cleanup drops the same tables first."""
        if "dispose" not in " ".join(client.cleanup):
            return []
        for node in descendants(function.node.body):
            target = None
            if isinstance(node, cst.Attribute) and node.attr.value == "create_all":
                target = source_of(node.value)
            if target:
                if client.awaited:
                    return [f"async with {{client}}.begin() as connection:\n{{indent}}await connection.run_sync({target}.drop_all)"]
                return [f"{target}.drop_all({{client}})"]
        return []


def _argument_names(call: cst.Call) -> set[str]:
    return {n.value for arg in call.args for n in descendants(arg.value) if isinstance(n, cst.Name)}


def _opened_on(expr: cst.BaseExpression) -> set[str]:
    """The names in an expression, but for the functions it calls by name (`proxies("db")["url"]` is
    opened on nothing of `proxies`; `engine.connect()` is opened on `engine`)."""
    called = {id(n.func) for n in descendants(expr) if isinstance(n, cst.Call)}
    return {n.value for n in descendants(expr) if isinstance(n, cst.Name) and id(n) not in called}


def _with_article(label: str) -> str:
    """`an AsyncClient`, `an HTTP client`, `a Redis client`."""
    first = label.strip("`").split()[0]
    vowel = first[0].lower() in "aeio" or (first.isupper() and first[0] in "FHLMNRSX")
    return f"{'an' if vowel else 'a'} {label}"


def _resets(nodes) -> bool:
    """A call whose name says it removes data (`flushdb()`, `janitor.drop()`, `delete_all(...)`) or a
    `TRUNCATE`/`DELETE FROM`/`DROP` statement among the nodes."""
    for node in nodes:
        if isinstance(node, cst.Call):
            # the callee, or a function handed over to be run (`connection.run_sync(metadata.drop_all)`)
            if any(RESET_METHOD.search(_called_name(func)) for func in (node.func, *(arg.value for arg in node.args))):
                return True
        elif (text := literal_string(node)) is not None and RESET_STATEMENT.search(text):
            return True
    return False


def _called_name(func: cst.BaseExpression) -> str:
    return func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""


def _own_nodes(node: cst.CSTNode):
    """A node and everything below it, in source order, not entering nested functions or classes."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)) and current is not node:
            continue
        stack.extend(reversed(list(children(current))))


def _method_call_on(node: cst.CSTNode, variable: str, method: str) -> bool:
    return (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == method
            and isinstance(node.func.value, cst.Name) and node.func.value.value == variable)  # fmt: skip
