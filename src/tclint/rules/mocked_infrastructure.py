"""TCL501 mocked-infrastructure: integration test code that mocks the service a container would run."""

from __future__ import annotations

import re

import libcst as cst

from tclint.engine.markers import marks_of, module_marks
from tclint.engine.model import FunctionInfo, descendants, literal_string, source_of
from tclint.engine.rule import Rule
from tclint.knowledge import BARE_MOCKS, IN_MEMORY_FAKES, INFRASTRUCTURE, MOCK_FACTORIES, MOCKER_METHODS
from tclint.knowledge import SERVICE_WORDS as SERVICE_WORD_PATTERN

SERVICE_WORDS = re.compile(SERVICE_WORD_PATTERN, re.IGNORECASE)
REPLACEMENT_KEYWORDS = ("new", "return_value", "side_effect", "wraps")
MOCK_WORDS = re.compile(r"mock|fake|stub|dummy", re.IGNORECASE)
# the words of a name: `get_kafka_client` -> get, kafka, client; `KafkaTestClient` -> Kafka, Test, Client
NAME_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
STAND_IN_WORDS = frozenset({"mock", "fake", "stub", "dummy", "test", "noop"})


class MockedInfrastructure(Rule):
    name = "mocked-infrastructure"

    def __init__(self, context) -> None:
        super().__init__(context)
        self.packages = tuple(self.options["infrastructure-packages"])
        self.mocks: list[tuple[cst.Call, str, FunctionInfo | None]] = []
        self.fakes: list[tuple[cst.CSTNode, str, FunctionInfo | None]] = []  # `fakeredis.FakeRedis()`, `@mock_aws`
        # `app.dependency_overrides[get_kafka_client] = stand_in`: (the assignment, the dependency, what replaces it)
        self.overrides: list[tuple[cst.Assign, str, str, FunctionInfo | None]] = []

    def visit_Decorator(self, node: cst.Decorator) -> None:
        if not isinstance(node.decorator, cst.Call):
            self.note_fake(node.decorator, node.decorator)

    def visit_Call(self, node: cst.Call) -> None:
        self.note_fake(node.func, node)
        target = self.mocked_target(node)
        if target is not None and not self.points_at_a_container(node):
            self.mocks.append((node, target, self.model.function))

    def visit_Assign(self, node: cst.Assign) -> None:
        """A web framework's dependency override whose dependency names a service (`get_db`,
        `get_kafka_client`) and whose replacement builds a stand-in (`KafkaTestClient()`, `MagicMock()`)."""
        target = node.targets[0].target if len(node.targets) == 1 else None
        if not (isinstance(target, cst.Subscript) and isinstance(target.value, cst.Attribute)
                and target.value.attr.value == "dependency_overrides" and len(target.slice) == 1):  # fmt: skip
            return
        index = target.slice[0].slice
        dependency = source_of(index.value) if isinstance(index, cst.Index) else ""
        if not any(SERVICE_WORDS.fullmatch(word) for word in NAME_WORDS.findall(dependency.rsplit(".", 1)[-1])):
            return
        stand_in = self.stand_in(node.value)
        if stand_in is not None:
            self.overrides.append((node, dependency, stand_in, self.model.function))

    def stand_in(self, replacement: cst.BaseExpression) -> str | None:
        """What a dependency override hands the code, when it is a stand-in: a mock, an in-memory fake, or
        an object whose class says it is one; never what is built from a container."""
        returned: list[tuple[cst.BaseExpression, object]] = []
        scope = self.model.current_scope
        if isinstance(replacement, cst.Lambda):
            returned.append((replacement.body, scope))
        elif isinstance(replacement, cst.Name) and (helper := self.local_function(replacement.value)) is not None:
            returned += [(node.value, helper) for node in descendants(helper.node.body) if isinstance(node, cst.Return) and node.value is not None]
        else:  # the override is itself the stand-in: a mock, or a class that says it is one
            returned.append((cst.Call(replacement), scope) if not isinstance(replacement, cst.Call) else (replacement, scope))
        for value, where in returned:
            origin = self.model.origin(value, where)
            call = origin.expr
            if not isinstance(call, cst.Call) or self.built_from_a_container(call, origin.scope):
                continue
            qualified = self.model.callee(call, origin.scope) or ""
            written = source_of(call.func)
            if qualified in BARE_MOCKS or qualified.split(".", 1)[0] in IN_MEMORY_FAKES or self.says_stand_in(call.func, origin.scope):
                return f"{written}()"
        return None

    def says_stand_in(self, func: cst.BaseExpression, scope) -> bool:
        """A class or function whose name says it stands in (`KafkaTestClient`, `FakeQueue`); not a value
        built here under such a name (`TestSession = sessionmaker(bind=engine)` makes real sessions)."""
        if isinstance(self.model.origin(func, scope).expr, cst.Call):
            return False
        words = {word.lower() for word in NAME_WORDS.findall(source_of(func).rsplit(".", 1)[-1])}
        return bool(words & STAND_IN_WORDS)

    def local_function(self, name: str) -> FunctionInfo | None:
        bindings = self.model.bindings(name)
        if not bindings or bindings[-1].kind != "def":
            return None
        return next((function for function in self.model.functions if function.node is bindings[-1].node), None)

    def built_from_a_container(self, value: cst.BaseExpression, scope) -> bool:
        if self.model.container_of(value, scope) is not None or self.model.address_role(value, scope) is not None:
            return True
        client = self.model.client_of(value, scope)
        return client is not None and self.model.built_from_container(client.construction, client.scope)

    def note_fake(self, func: cst.BaseExpression, node: cst.CSTNode) -> None:
        qualified = self.model.qualified(func)
        if qualified is not None and qualified.split(".", 1)[0] in IN_MEMORY_FAKES:
            self.fakes.append((node, qualified, self.model.function))

    def points_at_a_container(self, call: cst.Call) -> bool:
        """`patch("app.db.connect", return_value=psycopg.connect(postgres.get_connection_url()))`: the
        patch hands the code the real container's connection, so nothing is mocked."""
        replacements = [arg.value for arg in call.args[1:] if arg.keyword is None]
        replacements += [arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value in REPLACEMENT_KEYWORDS]
        for value in replacements:
            if self.model.container_of(value) is not None or self.model.address_role(value) is not None:
                return True
            client = self.model.client_of(value)
            if client is not None and self.model.built_from_container(client.construction, client.scope):
                return True
            text = self.model.string_of(value)
            if text is not None and any(part.text is None and self.model.address_role(part.node, part.scope) for part in text.parts):
                return True
        return False

    def mocked_target(self, call: cst.Call) -> str | None:
        """The infrastructure a mock call targets or specs, as written."""
        factory = self.factory(call.func)
        if factory is None:
            return None
        if factory.endswith(("patch", "patch.object", "create_autospec")) and call.args:
            first = call.args[0].value
            target = literal_string(first) if factory.endswith("patch") else self.model.qualified(first)
        else:
            spec = next((arg.value for arg in call.args if arg.keyword and arg.keyword.value in ("spec", "spec_set")), None)
            target = self.model.qualified(spec) if spec is not None else None
        return target if target and self.infrastructure(target) else None

    def factory(self, func: cst.BaseExpression) -> str | None:
        qualified = self.model.qualified(func)
        if qualified in MOCK_FACTORIES:
            return qualified
        written = []
        while isinstance(func, cst.Attribute):
            written.insert(0, func.attr.value)
            func = func.value
        if isinstance(func, cst.Name) and func.value == "mocker" and ".".join(written) in MOCKER_METHODS:
            return "mocker." + ".".join(written)
        return None

    def infrastructure(self, target: str) -> str | None:
        parts = target.split(".")
        for package in self.packages:
            length = package.count(".") + 1
            if any(".".join(parts[i : i + length]) == package for i in range(len(parts) - length + 1)):
                return package
        return None

    def finish(self) -> None:
        graph = self.model.fixture_graph
        whole_module = self.integration_module(graph)
        for call, target, function in self.mocks:
            if whole_module or self.marked(function):
                self.report(call, f"Integration test code mocks `{target}`: test against the real service{self.instead(target, graph)}")
        for node, dependency, stand_in, function in self.overrides:
            if whole_module or self.marked(function) or self.beside_a_container(function, graph):
                self.report(node, f"Integration test code overrides the dependency `{dependency}` with the stand-in "
                                  f"`{stand_in}`: test against the real service")  # fmt: skip
        for node, fake, function in self.fakes:
            if whole_module or self.marked(function) or self.beside_a_container(function, graph):
                service = IN_MEMORY_FAKES[fake.split(".", 1)[0]]
                self.report(node, f"Integration test code uses `{fake}`, an in-memory stand-in for `{service}`: "
                                  f"test against the real service{self.instead(service, graph)}")  # fmt: skip
        if whole_module:
            for function in self.model.functions:
                self.check_mock_fixture(function, graph)

    def integration_module(self, graph) -> bool:
        parts = set(self.context.folders())
        if parts & set(self.options["integration-folders"]) or self.options["marker"] in module_marks(self.model):
            return True
        if any(target.startswith("testcontainers") for target in self.model.resolver.imported_names()):
            return True
        return any(graph.container_behind(param) for function in self.model.functions for param in function.params
                   if function.is_test or function.fixture)  # fmt: skip

    @staticmethod
    def beside_a_container(function: FunctionInfo | None, graph) -> bool:
        """A fixture that another fixture of the suite requests together with one behind a container
        (`app(db_session, redis)`, from a `conftest.py` or a `pytest_plugins` module): what it hands out
        stands in for a service beside the real ones, in the integration tests that use them both."""
        while function is not None and function.fixture is None:
            function = function.parent if isinstance(function.parent, FunctionInfo) else None
        if function is None:
            return False
        name = function.fixture.name
        return any(
            name in fixture.params and any(graph.container_behind(param) for param in fixture.params if param != name)
            for fixture in graph.fixtures.values()
        )

    def marked(self, function: FunctionInfo | None) -> bool:
        while function is not None and not function.is_test:
            function = function.parent if isinstance(function.parent, FunctionInfo) else None
        return function is not None and self.options["marker"] in marks_of(function, self.model)

    def instead(self, target: str, graph) -> str:
        package = self.infrastructure(target)
        classes = INFRASTRUCTURE.get(package or "", ())
        fixtures = [f.name for f in graph.container_fixtures() if f.container[0] in classes]
        return f" (the fixture `{fixtures[0]}` starts it)" if fixtures else ""

    def check_mock_fixture(self, function: FunctionInfo, graph) -> None:
        """`def mock_redis(): return MagicMock()`: a service stand-in where a container belongs."""
        fixture = function.fixture
        if fixture is None or not (MOCK_WORDS.search(fixture.name) and SERVICE_WORDS.search(fixture.name)):
            return
        for node in descendants(function.node.body):
            if isinstance(node, (cst.Return, cst.Yield)) and isinstance(node.value, cst.Call) and not node.value.args:
                if self.model.qualified(node.value.func) in BARE_MOCKS:
                    self.report(node.value, f"Fixture `{fixture.name}` stands in for a real service with a bare mock in integration test code")
