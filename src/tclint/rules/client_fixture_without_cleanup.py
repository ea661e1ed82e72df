"""TCL201 client-fixture-without-cleanup: a per-test client of a container-backed service that leaves
its data and connections behind."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from tclint.diagnostics import UNSAFE
from tclint.engine.fixes import Fix
from tclint.engine.fixture_graph import FixtureGraph
from tclint.engine.model import FunctionInfo, descendants, literal_string, source_of
from tclint.engine.rule import Rule
from tclint.knowledge import CLIENTS, CONTAINER_ACCESSORS, Client, client_method_type

# a class of another library or of the project whose name says what it is
CLIENT_CLASS = re.compile(r"^[A-Z]\w*(Client|Connection|Engine|Session|Pool)$")


@dataclass(frozen=True)
class HandedOut:
    statement: cst.SimpleStatementLine
    value: cst.BaseExpression
    kind: str  # "return" or "yield"


@dataclass(frozen=True)
class Found:
    variable: str | None
    construction: cst.BaseExpression
    client: Client | None  # None: a client of a type tclint does not know
    type_name: str


class ClientFixtureWithoutCleanup(Rule):
    name = "client-fixture-without-cleanup"

    def finish(self) -> None:
        graph = FixtureGraph(self.model, self.context.project)
        for function in self.model.functions:
            fixture = function.fixture
            if fixture is None or fixture.scope != "function" or not self.container_backed(function, graph):
                continue
            handed = self.handed_out(function)
            found = self.client_of(handed.value, function, graph) if handed else None
            if found is None:
                continue
            self.report(handed.statement, self.message(fixture.name, found), self.cleanup(handed, found, function))

    @staticmethod
    def container_backed(function: FunctionInfo, graph: FixtureGraph) -> bool:
        if any(graph.container_behind(param) for param in function.params):
            return True
        return any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value in CONTAINER_ACCESSORS
                   for n in descendants(function.node.body))  # fmt: skip

    @staticmethod
    def handed_out(function: FunctionInfo) -> HandedOut | None:
        """`return x`, or `yield x` with nothing after it, as the fixture's last statement."""
        body = function.body
        last = body[-1] if body else None
        if not isinstance(last, cst.SimpleStatementLine) or len(last.body) != 1:
            return None
        small = last.body[0]
        if isinstance(small, cst.Return) and small.value is not None:
            return HandedOut(last, small.value, "return")
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Yield) and isinstance(small.value.value, cst.BaseExpression):
            return HandedOut(last, small.value.value, "yield")
        return None

    def client_of(self, value: cst.BaseExpression, function: FunctionInfo, graph: FixtureGraph) -> Found | None:
        variable = value.value if isinstance(value, cst.Name) else None
        construction = self.binding(variable, function) if variable else value
        if construction is None:
            return None
        call = construction.expression if isinstance(construction, cst.Await) else construction
        if not isinstance(call, cst.Call):
            return None
        type_name = self.model.qualified(call.func) or ""
        if isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name):
            container = graph.container_class_behind(call.func.value.value)
            if container is not None:
                type_name = client_method_type(container, call.func.attr.value) or type_name
        client = CLIENTS.get(type_name)
        written = source_of(call.func)
        callee = written.rsplit(".", 1)[-1]
        if client is None and not (CLIENT_CLASS.match(callee) or callee == "connect"):
            return None
        return Found(variable, construction, client, type_name or written)

    @staticmethod
    def binding(variable: str, function: FunctionInfo) -> cst.BaseExpression | None:
        value = None
        for statement in function.body:
            if isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Assign):
                assign = statement.body[0]
                if len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name) and assign.targets[0].target.value == variable:
                    value = assign.value
        return value

    @staticmethod
    def message(fixture: str, found: Found) -> str:
        if found.client is None:
            kind = found.type_name.rsplit(".", 1)[-1]
            return (f"Fixture `{fixture}` hands every test a `{kind}` and cleans nothing up after it: "
                    "remove the test's data and close the client after `yield`")  # fmt: skip
        label = found.client.label
        article = "an" if label[0].lower() in "aeiou" else "a"
        if not found.client.cleanup:
            return f"Fixture `{fixture}` hands every test {article} {label} and removes nothing the test created"
        return f"Fixture `{fixture}` hands every test {article} {label} and leaves its data and connection behind"

    # -- the fix ----------------------------------------------------------------------------------

    def cleanup(self, handed: HandedOut, found: Found, function: FunctionInfo) -> Fix | None:
        client = found.client
        if client is None or not client.cleanup or (client.awaited and not function.is_async):
            return None
        variable = found.variable or "client"
        database = self.database_name(variable, function) if client.needs_database else None
        if client.needs_database and database is None:
            return None
        indent = self.context.module.default_indent
        templates = self.drop_tables(function, client) + list(client.cleanup)
        lines = [line.format(client=variable, database=database, indent=indent) for line in templates]
        cleanup = [cst.parse_statement(line + "\n") for line in lines]
        comment = handed.statement.trailing_whitespace
        yielded = cst.SimpleStatementLine(body=[cst.Expr(cst.Yield(value=cst.Name(variable)))], trailing_whitespace=comment,
                                          leading_lines=handed.statement.leading_lines)  # fmt: skip
        first: list = []
        if found.variable is None:  # `return Redis(...)`: the client needs a name to be cleaned up
            first = [cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(variable))], value=handed.value)],
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


def _method_call_on(node: cst.CSTNode, variable: str, method: str) -> bool:
    return (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == method
            and isinstance(node.func.value, cst.Name) and node.func.value.value == variable)  # fmt: skip
