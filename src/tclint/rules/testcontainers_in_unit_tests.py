"""TCL503 testcontainers-in-unit-tests: a container started by a unit test, or one it requests."""

from __future__ import annotations

import libcst as cst

from tclint.engine.model import FunctionInfo, descendants, literal_string
from tclint.engine.rule import Rule


class TestcontainersInUnitTests(Rule):
    name = "testcontainers-in-unit-tests"

    def finish(self) -> None:
        folders = set(self.options["unit-folders"])
        parts = self.context.folders()
        if not folders & set(parts):
            return
        for scope in (self.model.module_scope, *self.model.functions):
            for ref in scope.started_containers():
                self.report(ref.started_by, f"A unit test starts a `{ref.cls.short_name}`: unit tests should not need Docker (move it to the integration tests)")
        graph = self.model.fixture_graph
        local = self.local_fixtures()
        for test in self.model.functions:
            if not test.is_test:
                continue
            requested = [(param, "") for param in test.params]
            requested += [(name, " through `request.getfixturevalue`") for name in self.fixtures_got_by_value(test)]
            for name, how in requested:
                signature = graph.container_behind(name)
                if signature is not None and len(signature) == 3 and name not in local:
                    kind = signature[0].rsplit(".", 1)[-1]
                    self.report(test.node.name, f"Unit test `{test.name}` requests the fixture `{name}`{how}, which starts a `{kind}`: "
                                                "unit tests should not need Docker (move it to the integration tests)")  # fmt: skip
                    break

    def local_fixtures(self) -> set[str]:
        """This module's own fixtures: a container they start is reported where it starts."""
        return {f.fixture.name for f in self.model.module_functions.values() if f.fixture is not None}

    def fixtures_got_by_value(self, test: FunctionInfo) -> list[str]:
        """The fixtures a test gets at run time: `request.getfixturevalue("name")`, or with a parameter
        of the test, each name `pytest.mark.parametrize` gives it (on the test or its class)."""
        if "request" not in test.params:
            return []
        found: list[str] = []
        for node in descendants(test.node.body):
            if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "getfixturevalue"
                    and isinstance(node.func.value, cst.Name) and node.func.value.value == "request" and node.args):  # fmt: skip
                continue
            argument = node.args[0].value
            name = literal_string(argument)
            if name is not None:
                found.append(name)
            elif isinstance(argument, cst.Name) and argument.value in test.params:
                found.extend(self.parametrized_values(test, argument.value))
        return found

    @staticmethod
    def parametrized_values(test: FunctionInfo, param: str) -> list[str]:
        """The strings `@pytest.mark.parametrize` gives a parameter, on the test or on its class."""
        decorators = [*test.node.decorators, *(test.in_class.node.decorators if test.in_class is not None else ())]
        values: list[str] = []
        for decorator in decorators:
            call = decorator.decorator
            if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "parametrize" and len(call.args) >= 2):
                continue
            names = _argument_names(call.args[0].value)
            if param not in names:
                continue
            index = names.index(param)
            cases = call.args[1].value
            for case in cases.elements if isinstance(cases, (cst.List, cst.Tuple)) else ():
                value = case.value
                if isinstance(value, cst.Call) and value.args and isinstance(value.func, cst.Attribute) and value.func.attr.value == "param":
                    value = cst.Tuple([cst.Element(arg.value) for arg in value.args if arg.keyword is None]) if len(names) > 1 else value.args[0].value
                if len(names) > 1:
                    elements = value.elements if isinstance(value, (cst.Tuple, cst.List)) else ()
                    value = elements[index].value if index < len(elements) else None
                text = literal_string(value)
                if text is not None:
                    values.append(text)
        return values


def _argument_names(expr: cst.BaseExpression) -> list[str]:
    """`"a"`, `"a, b"`, `("a", "b")` -> the parameter names."""
    text = literal_string(expr)
    if text is not None:
        return [name.strip() for name in text.split(",")]
    if isinstance(expr, (cst.List, cst.Tuple)):
        return [text for element in expr.elements if (text := literal_string(element.value)) is not None]
    return []
