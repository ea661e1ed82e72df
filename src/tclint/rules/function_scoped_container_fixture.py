"""TCL101 function-scoped-container-fixture: a fixture that starts a container for every test."""

from __future__ import annotations

import libcst as cst

from tclint.diagnostics import UNSAFE
from tclint.engine import build
from tclint.engine.fixes import Fix
from tclint.engine.model import FixtureInfo, FunctionInfo, keyword_arg, source_of
from tclint.engine.rule import Rule
from tclint.engine.shared_state import Cleanup, cleanup_for, cleanup_note, per_test_body, sharing_note, written_state
from tclint.engine.starts import StartSites
from tclint.knowledge import fixture_scope, narrower, scope_rank

FIX_SCOPE = "session"
# `request` attributes that tie a fixture to one test, class or module
NARROW_REQUEST_ATTRIBUTES = {"node": "function", "function": "function", "instance": "function", "cls": "class",
                             "module": "module", "fspath": "module", "path": "module"}  # fmt: skip
PER = {"function": "test", "class": "test class", "module": "test module", "package": "test package"}


class FunctionScopedContainerFixture(Rule):
    name = "function-scoped-container-fixture"

    def __init__(self, context) -> None:
        super().__init__(context)
        self.request_scopes: dict[FunctionInfo, str] = {}
        self.starts = StartSites(self.model)

    def visit_Call(self, node: cst.Call) -> None:
        self.starts.visit_Call(node)

    def visit_With(self, node: cst.With) -> None:
        self.starts.visit_With(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == "request":
            scope = NARROW_REQUEST_ATTRIBUTES.get(node.attr.value)
            if scope is not None:
                for function in self.model.enclosing_functions():
                    known = self.request_scopes.get(function)
                    if known is None or narrower(scope, known):
                        self.request_scopes[function] = scope

    def finish(self) -> None:
        min_scope = self.options["min-scope"]
        for function in self.model.functions:
            fixture = function.fixture
            if fixture is None or fixture.scope is None or fixture.scope not in PER:
                continue
            shared_by = self.shared_by() if fixture.scope == "module" else None
            if (scope_rank(fixture.scope) >= scope_rank(min_scope) and shared_by is None) or not self.starts.of(function):
                continue
            message = (
                f"Container fixture `{fixture.name}` has scope `{fixture.scope}`: "
                f"every {PER[fixture.scope]} starts a new container"
            )
            if shared_by is not None:
                message += f" ({shared_by}, so shared by several modules)"
            blocker = self.scope_blocker(function)
            if blocker:
                self.report(self.anchor(fixture), f"{message} (no fix: {blocker})")
            else:
                state = written_state(self.per_test_code(function), self.model)
                cleanup = self.cleanup_of(function, state)
                if cleanup is not None:
                    self.report(self.anchor(fixture), message + cleanup_note(cleanup), self.split(function, cleanup))
                else:
                    self.report(self.anchor(fixture), message + sharing_note(state), self.widen(fixture))

    def per_test_code(self, container_fixture: FunctionInfo) -> list[cst.CSTNode]:
        """The code that runs for every test of the container fixture: the bodies of the tests that ask
        for it, directly or through this module's function-scoped fixtures over it, and those fixtures'
        bodies (they run again for each test against the shared container)."""
        through = {container_fixture.fixture.name}
        fixtures = [f for f in self.model.functions if f.fixture is not None and f is not container_fixture and f.fixture.scope == "function"]
        code = []
        grew = True
        while grew:
            grew = False
            for function in fixtures:
                if function.fixture.name not in through and through.intersection(function.params):
                    through.add(function.fixture.name)
                    code.append(function.node.body)
                    grew = True
        return [*code, *(test.node.body for test in self.model.functions if test.is_test and through.intersection(test.params))]

    def shared_by(self) -> str | None:
        """Why the module's fixtures serve several test modules: it is a conftest.py, or a conftest.py
        above it loads it through `pytest_plugins`."""
        if self.model.is_conftest:
            return "it is in a conftest.py"
        loader = self.context.project.plugin_loader(self.model.path)
        return f"`{loader.path}` loads its module through `pytest_plugins`" if loader is not None else None

    @staticmethod
    def cleanup_of(function: FunctionInfo, state: list) -> Cleanup | None:
        """The per-test cleanup for what this module's tests write, when the fixture is a decorated function
        that hands out its one container (the cleanup runs on the container)."""
        fixture = function.fixture
        if fixture.decorator is None or (fixture.call is not None and keyword_arg(fixture.call, "name") is not None):
            return None
        if function.in_class is not None:
            return None  # a fixture method: the per-test fixture would need the class's `self`
        if len(function.containers) != 1 or not function.containers[0].handed_out:
            return None
        return cleanup_for(function.containers[0].cls.qualname, state)

    @staticmethod
    def anchor(fixture: FixtureInfo) -> cst.CSTNode:
        return fixture.decorator if fixture.decorator is not None else fixture.call

    def scope_blocker(self, function: FunctionInfo) -> str | None:
        """Why the fixture cannot become session-scoped: pytest would raise ScopeMismatch."""
        if "request" in function.params and function in self.request_scopes:
            return f"it uses `request` attributes of a `{self.request_scopes[function]}` scope"
        for param in function.params:
            if param in ("self", "cls", "request"):
                continue
            scope, where = self.scope_of_fixture(param, function)
            if where == "unreadable":
                return f"the scope of fixture `{param}` it depends on is not a literal"
            if scope is not None and narrower(scope, FIX_SCOPE):
                return f"it depends on `{param}`, a `{scope}`-scoped fixture{where}"
        return None

    def scope_of_fixture(self, name: str, requester: FunctionInfo) -> tuple[str | None, str]:
        for function in self.model.functions:
            fixture = function.fixture
            if fixture is not None and fixture.name == name and function is not requester:
                if fixture.scope is None:
                    return None, "unreadable"
                return fixture.scope, " defined in this module"
        fact = self.context.project.fixture(name)
        if fact is not None:
            if fact.scope is None:
                return None, "unreadable"
            return fact.scope, " from conftest.py"
        return fixture_scope(name), ""

    def split(self, function: FunctionInfo, cleanup: Cleanup) -> Fix:
        """`@fixture def c(): ...` -> `@fixture(scope="session") def c_session(): ...` and a per-test
        `@fixture def c(c_session): yield c_session; <cleanup>`: the tests keep asking for `c`."""
        fixture = function.fixture
        taken = self.model.module_level_names() | {fact.name for conftest in self.context.project.conftests for fact in conftest.fixtures}
        shared, number = f"{fixture.name}_session", 2
        while shared in taken:
            shared, number = f"{fixture.name}_session_{number}", number + 1
        (original, widened), = self.widen(fixture).replacements
        session = function.node.deep_replace(original, widened).with_changes(name=cst.Name(shared))
        decorator = fixture.decorator.decorator
        spelled = source_of(decorator.func if isinstance(decorator, cst.Call) else decorator)
        indent = self.context.module.default_indent
        per_test = cst.parse_statement(f"@{spelled}\ndef {fixture.name}({shared}):\n{per_test_body(cleanup, shared, indent)}")
        per_test = per_test.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
        return Fix(f'Share one container through `{shared}` (scope="{FIX_SCOPE}"), cleaned after each test by `{fixture.name}`',
                   UNSAFE, [(function.node, cst.FlattenSentinel([session, per_test]))])  # fmt: skip

    @staticmethod
    def widen(fixture: FixtureInfo) -> Fix:
        title = f'Set `scope="{FIX_SCOPE}"`'
        if fixture.call is None:
            decorator = fixture.decorator
            call = build.called(decorator.decorator, build.keyword("scope", build.string(FIX_SCOPE)))
            return Fix(title, UNSAFE, [(decorator, decorator.with_changes(decorator=call))])
        value = build.string(FIX_SCOPE, build.quote_of(fixture.call))
        return Fix(title, UNSAFE, [(fixture.call, build.set_keyword(fixture.call, "scope", value))])
