"""TCL201 client-fixture-without-cleanup: a per-test client of a container-backed service whose teardown
does not both close it and reset the data the test wrote."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from tclint.diagnostics import UNSAFE
from tclint.engine.fixes import Fix
from tclint.engine.model import ClientUse, FunctionInfo, descendants, literal_string, source_of
from tclint.engine.rule import Rule
from tclint.engine.walk import children
from tclint.knowledge import CLOSE_METHODS, CONTAINER_ACCESSORS, DATA_WORDS, FINALIZER_METHODS, RESET_STATEMENTS, RESET_WORDS, Client

# a class of another library or of the project whose name says what it is
CLIENT_CLASS = re.compile(r"^[A-Z]\w*(Client|Connection|Engine|Session|Pool|Repository|Store|Producer|Consumer)$")
RESET_METHOD = re.compile(RESET_WORDS, re.IGNORECASE)
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
            if handed is None:
                continue
            found = self.model.client_of(handed.value, function)
            if found is None and not self.named_client(handed.value, function):
                continue
            if not self.container_backed(function, found):
                continue
            if (found is None or found.client is None) and self.fresh_container_per_test(function):
                continue  # a wrapper over a container started for each test: its data leaves with it
            needs_close, needs_reset = self.needs(found, handed, fixture.name)
            teardown = self.teardown(function, handed, found)
            if (teardown.closes or not needs_close) and (teardown.resets or not needs_reset):
                continue
            message = self.message(fixture.name, found, teardown, needs_close, needs_reset, handed, function)
            fix = self.cleanup(handed, found, function) if found is not None and not (teardown.closes or teardown.resets) else None
            self.report(handed.statement, message, fix)

    def named_client(self, value: cst.BaseExpression, function: FunctionInfo) -> bool:
        """A construction whose class name says it is a client (`RedisClient(config)`, `connect(...)`)."""
        call = self.model.origin(value, function).expr
        call = call.expression if isinstance(call, cst.Await) else call
        if not isinstance(call, cst.Call):
            return False
        callee = source_of(call.func).rsplit(".", 1)[-1]
        return bool(CLIENT_CLASS.match(callee)) or callee == "connect"

    def container_backed(self, function: FunctionInfo, found: ClientUse | None) -> bool:
        if found is not None and self.model.built_from_container(found.construction, found.scope):
            return True
        graph = self.model.fixture_graph
        if any(graph.container_behind(param) for param in function.params):
            return True
        return any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in CONTAINER_ACCESSORS
                   for n in descendants(function.node.body))  # fmt: skip

    @staticmethod
    def needs(found: ClientUse | None, handed: HandedOut, fixture: str) -> tuple[bool, bool]:
        """(must be closed, must be reset): from the client's table entry; a client tclint does not know
        must be closed, and reset too when its type, its construction or the fixture's name says it holds
        data (`UserRepository(engine)`, `CounterStore(redis)`), not when it is an HTTP client of a service."""
        client = found.client if found is not None else None
        if client is not None:
            return bool(client.closes), bool(client.resets)
        written = source_of(found.construction) if found is not None else source_of(handed.value)
        return True, bool(DATA.search(f"{fixture} {written}"))

    def fresh_container_per_test(self, function: FunctionInfo) -> bool:
        """Every container behind the fixture is started for each test (function-scoped fixtures), which
        function-scoped-container-fixture reports. A known client is still reported, with the cleanup that
        makes sharing the container safe; a wrapper tclint cannot clean is left to that rule."""
        graph = self.model.fixture_graph
        behind = [param for param in function.params if graph.container_behind(param)]
        if not behind:
            return False
        return all(self.started_per_test(param, graph, frozenset()) for param in behind)

    def started_per_test(self, name: str, graph, seen: frozenset) -> bool:
        fixture = graph.fixtures.get(name)
        if fixture is None or fixture.scope != "function" or name in seen:
            return False
        if fixture.container is not None:
            return True
        leading = [param for param in fixture.params if graph.container_behind(param)]
        return bool(leading) and all(self.started_per_test(param, graph, seen | {name}) for param in leading)

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

    def teardown(self, function: FunctionInfo, handed: HandedOut, found: ClientUse | None) -> Teardown:
        """What runs after the test: code after the `yield` (and `finally` blocks around it), callables
        given to `request.addfinalizer(...)` (nested functions, lambdas, bound methods), and the exit of
        a `with` block the client was opened by."""
        nodes: list[cst.CSTNode] = []
        after = False
        for node in self.sequence(function):
            if node is handed.statement:
                after = True
            elif after:
                nodes.append(node)
        closes = handed.kind == "yield" and self.opened_by_with(function, handed)
        nested = {n.name: n for n in function.nested}
        for node in list(self.sequence(function)):
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in FINALIZER_METHODS:
                for arg in node.args:
                    nodes.extend(n for registered in self.registered(arg.value, nested) for n in descendants(registered))
        names = [n.attr.value for n in nodes if isinstance(n, cst.Attribute)] + [n.value for n in nodes if isinstance(n, cst.Name)]
        closes = closes or any(name in CLOSE_METHODS for name in names)
        resets = any(RESET_METHOD.search(name) for name in names)
        resets = resets or any(RESET_STATEMENT.search(text) for n in nodes if (text := literal_string(n)) is not None)
        resets = resets or any(self.cleans_through_helper(n, handed) for n in nodes if isinstance(n, cst.Call))
        return Teardown(closes, resets)

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
    def opened_by_with(function: FunctionInfo, handed: HandedOut) -> bool:
        """`with Client(...) as client: yield client`: the block's exit closes it."""
        for node in descendants(function.node.body):
            if isinstance(node, cst.With) and any(n is handed.statement for n in descendants(node.body)):
                return any(item.asname is not None and source_of(item.asname.name) == source_of(handed.value) for item in node.items)
        return False

    @staticmethod
    def cleans_through_helper(call: cst.Call, handed: HandedOut) -> bool:
        """`reset_database(client)`, `cleanup(engine)`: a helper handed the client after the test."""
        handed_code = source_of(handed.value)
        return any(source_of(arg.value) == handed_code for arg in call.args) and not (
            isinstance(call.func, cst.Attribute) and call.func.attr.value in CLOSE_METHODS
        )

    # -- the report ---------------------------------------------------------------------------------

    @staticmethod
    def message(fixture: str, found: ClientUse | None, teardown: Teardown, needs_close: bool, needs_reset: bool,
                handed: HandedOut, function: FunctionInfo) -> str:  # fmt: skip
        if found is None or found.client is None:
            call = found.construction if found is not None else None
            kind = (found.type_name if found is not None else source_of(handed.value)).rsplit(".", 1)[-1]
            label = f"a `{kind}`" if call is not None else "a client"
        else:
            article = "an" if found.client.label[0].lower() in "aeiou" else "a"
            label = f"{article} {found.client.label}"
        if teardown.closes and needs_reset:
            return f"Fixture `{fixture}` hands every test {label} and closes it, but leaves the data the test wrote: reset it after the test"
        if teardown.resets and needs_close:
            return f"Fixture `{fixture}` hands every test {label} and resets its data, but never closes it"
        if not needs_close:
            return f"Fixture `{fixture}` hands every test {label} and removes nothing the test created"
        if found is None or found.client is None:
            return f"Fixture `{fixture}` hands every test {label} and cleans nothing up after it: remove the test's data and close the client after `yield`"
        return f"Fixture `{fixture}` hands every test {label} and leaves its data and connection behind"

    # -- the fix ----------------------------------------------------------------------------------

    def cleanup(self, handed: HandedOut, found: ClientUse, function: FunctionInfo) -> Fix | None:
        client = found.client
        if client is None or not client.cleanup or (client.awaited and not function.is_async):
            return None
        if function.body[-1] is not handed.statement:
            return None  # more code after the yield, or a return inside a block: written by hand
        variable = handed.value.value if isinstance(handed.value, cst.Name) else None
        name = variable or "client"
        database = self.database_name(name, function) if client.needs_database else None
        if client.needs_database and database is None:
            return None
        indent = self.context.module.default_indent
        templates = self.drop_tables(function, client) + list(client.cleanup)
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
        title = "Yield the client and clean up after the test" if handed.kind == "return" else "Clean up after the `yield`"
        return Fix(title, UNSAFE, [(handed.statement, cst.FlattenSentinel([*first, yielded, *cleanup]))])

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
