"""TCL102 container-started-in-test: a test body that starts its own container."""

from __future__ import annotations

import re

import libcst as cst

from tclint.diagnostics import UNSAFE
from tclint.engine import build
from tclint.engine.fixes import ConftestFixture, Fix, ImportRequest, SharedFixture
from tclint.engine.model import ContainerRef, FunctionInfo, descendants, source_of
from tclint.engine.rule import Rule
from tclint.engine.shared_state import Cleanup, cleanup_for, cleanup_note, per_test_body, sharing_note, written_state
from tclint.engine.starts import Start, StartSites


class ContainerStartedInTest(Rule):
    name = "container-started-in-test"

    def __init__(self, context) -> None:
        super().__init__(context)
        self.new_fixtures: dict[tuple, str] = {}  # container signature -> fixture made for it here
        self.state: dict[tuple, list] = {}  # container signature -> what the tests that start it write
        self.starts = StartSites(self.model)

    def visit_Call(self, node: cst.Call) -> None:
        self.starts.visit_Call(node)

    def visit_With(self, node: cst.With) -> None:
        self.starts.visit_With(node)

    def finish(self) -> None:
        if self.options["testcontainers-library"]:
            return
        starts = []
        for test in self.model.functions:
            if not test.is_test:
                continue
            reported = set()
            for start in self.starts.of(test):
                if id(start.where) not in reported:
                    reported.add(id(start.where))
                    starts.append((test, start))
        self.state = self.state_by_signature(starts)
        for test, start in starts:
            self.check(test, start)

    def state_by_signature(self, starts: list) -> dict[tuple, list]:
        """What the tests write, pooled over the tests that start the same container: after the fix they
        share it (and its per-test cleanup)."""
        bodies: dict[tuple, list] = {}
        for test, start in starts:
            if start.ref is not None:
                bodies.setdefault(start.ref.signature(), []).append(test.node.body)
        return {signature: written_state(nodes, self.model) for signature, nodes in bodies.items()}

    def check(self, test: FunctionInfo, start: Start) -> None:
        ref, where = start.ref, start.where
        if start.through is not None:
            self.report(where, f"Test `{test.name}` starts a `{start.kind}` through `{start.through}()`: every run starts a new container")
            return
        if ref is None:
            what = "a Docker Compose stack" if start.kind == "DockerCompose" else f"a container (`{start.kind}`)"
            self.report(where, f"Test `{test.name}` starts {what} in its body: every run starts new containers")
            return
        label = f"container `{ref.var}`" if ref.var else f"a `{start.kind}`"
        message = f"Test `{test.name}` starts {label} in its body: every run starts a new container"
        fix = self.extract(test, ref) if ref.scope is test and where is ref.started_by else None
        if fix is not None:
            state = self.state[ref.signature()]
            cleanup = cleanup_for(ref.cls.qualname, state)
            message += cleanup_note(cleanup) if cleanup is not None else sharing_note(state)
            message += placement_note(self.context.placements.get(ref.signature()))
        self.report(where, message, fix)

    # -- the fix ----------------------------------------------------------------------------------

    def extract(self, test: FunctionInfo, ref: ContainerRef) -> Fix | None:
        if test.in_class is not None and test.in_class.is_testcase:
            return None  # unittest methods take no fixtures
        plan = self.with_form(test, ref) if ref.start_kind == "with" else self.start_form(test, ref)
        if plan is None or not self.arguments_are_global(test, ref) or not self.class_is_global(ref):
            return None
        container_expr, variable, changes = plan
        placement = self.context.placements.get(ref.signature())
        placed_in = placement.conftest if placement is not None else None
        fixture, inserted = self.fixture_for(ref, container_expr, placement.name if placed_in else None)
        shares = conftest = None
        new_statements, imports = [], ()
        if inserted is not None:
            stays, conftest_imports = self.movable(ref, container_expr)
            shares = SharedFixture(ref.signature(), fixture, stays)
            if placed_in is not None and stays is None:
                conftest = ConftestFixture(placed_in, fixture, self.context.module.code_for_node(inserted[0]),
                                           (ImportRequest("pytest"), *conftest_imports))  # fmt: skip
            else:
                new_statements, imports = [inserted[0]], inserted[1]
        cleanup = cleanup_for(ref.cls.qualname, self.state.get(ref.signature(), []))
        if cleanup is not None:
            fixture, clean = self.clean_fixture_for(fixture, cleanup)
            if clean is not None:
                new_statements.append(clean[0])
                imports = tuple(dict.fromkeys((*imports, *clean[1])))
        body = build.respliced(test.node.body, changes)
        if variable is not None:
            if self.rebound(test, variable, ref):
                return None
            body = build.renamed(body, variable, fixture)
        new_test = test.node.with_changes(params=self.with_param(test, fixture), body=body)
        kind = "per-test" if cleanup is not None else "session-scoped"
        return Fix(f"Use the {kind} fixture `{fixture}`", UNSAFE, [(test.node, new_test)], imports=imports,
                   after_imports=tuple(new_statements), shares=shares, conftest=conftest)  # fmt: skip

    def movable(self, ref: ContainerRef, container_expr: cst.BaseExpression) -> tuple[str | None, tuple[ImportRequest, ...]]:
        """(None, the imports it needs there) when the new fixture means the same in a conftest.py as here:
        its class imported from testcontainers by name, no other name of this module in it; else (why not, ())."""
        head = source_of(ref.construction.func).split(".")[0]
        target = self.model.resolver.lookup(head) or ""
        if not target.startswith("testcontainers.") or target.rsplit(".", 1)[-1] != head:
            return f"its class `{head}` is not imported by name from testcontainers", ()
        used = sorted(_names_in(container_expr) - {head})
        if used:
            return f"it uses {', '.join(f'`{name}`' for name in used)} from this module", ()
        return None, (ImportRequest(target.rsplit(".", 1)[0], head),)

    def with_form(self, test: FunctionInfo, ref: ContainerRef):
        """`with X(...) as c: body` directly in the test: the body takes the with's place."""
        node = ref.with_node
        if not any(statement is node for statement in test.body) or len(node.items) != 1 or node.asynchronous:
            return None
        item = node.items[0]
        if not _contains(item.item, ref.construction):
            return None  # `with c:` on a container built earlier: the fixture would not see `c`
        variable = item.asname.name.value if item.asname and isinstance(item.asname.name, cst.Name) else None
        if item.asname is not None and variable is None:
            return None
        return item.item, variable, {id(node): list(node.body.body)}

    def start_form(self, test: FunctionInfo, ref: ContainerRef):
        """`c = X(...)`, `c.with_...(...)`, `c.start()`, ..., `c.stop()` as statements of the test."""
        if ref.var is None or "." in ref.var:
            return None
        statements = test.body
        binding = next((s for s in statements if _assigns(s, ref.var) and _contains(s, ref.construction)), None)
        if binding is None:
            return None
        chain = binding.body[0].value
        removed = [binding]
        calls = []
        for statement in statements[statements.index(binding) + 1 :]:
            call = build.method_call_statement(statement, ref.var)
            if call is None or call.func.attr.value in ("stop",):
                break
            removed.append(statement)
            if call.func.attr.value != "start":
                calls.append(call)
            else:
                break
        if not any(_contains(statement, ref.started_by) for statement in removed):
            return None
        stops = [s for s in statements if build.method_call_statement(s, ref.var, "stop")]
        if len(stops) != len(ref.stop_calls):
            return None  # a stop the fix cannot see to remove (in a `finally:`, say)
        for call in calls:
            chain = call.with_changes(func=call.func.with_changes(value=chain))
        return _without_start(chain), ref.var, {id(s): [] for s in [*removed, *stops]}

    def arguments_are_global(self, test: FunctionInfo, ref: ContainerRef) -> bool:
        """The fixture cannot see the test's parameters or local variables."""
        local = set(test.params) | _assigned_names(test.node)
        used = {n.value for call in (ref.construction, *ref.config_calls) for arg in call.args for n in descendants(arg) if isinstance(n, cst.Name)}
        return not (used & local)

    def class_is_global(self, ref: ContainerRef) -> bool:
        head = source_of(ref.construction.func).split(".")[0]
        return self.model.resolver.lookup_module(head) or head in self.model.local_container_classes

    @staticmethod
    def rebound(test: FunctionInfo, variable: str, ref: ContainerRef) -> bool:
        """The name is assigned again somewhere else in the test: renaming it would change meaning."""
        bindings = [n for n in descendants(test.node) if isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Name)
                    and n.target.value == variable]  # fmt: skip
        return len(bindings) > (1 if ref.start_kind == "start" else 0)

    @staticmethod
    def with_param(test: FunctionInfo, fixture: str) -> cst.Parameters:
        """The test's parameters with the fixture first (after `self` in a method)."""
        params = test.node.params
        existing = list(params.params)
        position = 1 if test.in_class is not None and existing and existing[0].name.value in ("self", "cls") else 0
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        new = cst.Param(name=cst.Name(fixture))
        more_follow = position < len(existing) or isinstance(params.star_arg, cst.Param) or params.kwonly_params
        if more_follow:
            new = new.with_changes(comma=comma)
        if position and not isinstance(existing[position - 1].comma, cst.Comma):
            existing[position - 1] = existing[position - 1].with_changes(comma=comma)
        existing.insert(position, new)
        return params.with_changes(params=existing)

    # -- naming and reuse ---------------------------------------------------------------------------

    def fixture_for(self, ref: ContainerRef, container_expr: cst.BaseExpression, placed_name: str | None = None):
        """(fixture name, None) to reuse one, or (name, (new fixture statement, imports)) to add one
        (named `placed_name` when the run places it in a conftest.py)."""
        signature = ref.signature()
        for function in self.model.module_functions.values():
            started = self.model.containers_started_by(function) if function.fixture else []
            if started and started[0][1].signature() == signature:
                return function.fixture.name, None
        for conftest in self.context.project.conftests:
            for fact in conftest.fixtures:
                if fact.container == signature:
                    return fact.name, None
        name = placed_name or self.new_fixtures.get(signature) or self.fresh_name(ref)
        self.new_fixtures[signature] = name
        decorator, imports = self.fixture_decorator()
        indent = self.context.module.default_indent
        code = (
            f"@{decorator}(scope=\"session\")\ndef {name}():\n"
            f"{indent}with {source_of(container_expr)} as {name}:\n{indent}{indent}yield {name}\n"
        )
        return name, (cst.parse_statement(code), imports)

    def clean_fixture_for(self, shared: str, cleanup: Cleanup):
        """(name, None) to reuse the per-test fixture over `shared` a former pass added, or (name, (new
        fixture statement, imports)): it hands each test the shared container and cleans up after it."""
        base = f"clean_{shared}"
        taken = self.model.module_level_names() | set(self.new_fixtures.values())
        taken |= {fact.name for conftest in self.context.project.conftests for fact in conftest.fixtures}
        name, number = base, 2
        while name in taken:
            existing = self.model.module_functions.get(name)
            if existing is not None and existing.fixture is not None and list(existing.params) == [shared]:
                return name, None
            name, number = f"{base}_{number}", number + 1
        decorator, imports = self.fixture_decorator()
        indent = self.context.module.default_indent
        code = f"@{decorator}\ndef {name}({shared}):\n{per_test_body(cleanup, shared, indent)}"
        return name, (cst.parse_statement(code), imports)

    def fixture_decorator(self) -> tuple[str, tuple[ImportRequest, ...]]:
        spellings = self.model.resolver.local_names_for("pytest.fixture")
        if spellings:
            return spellings[0], ()
        return "pytest.fixture", (ImportRequest("pytest"),)

    def fresh_name(self, ref: ContainerRef) -> str:
        kind = ref.cls.qualname.rsplit(".", 1)[-1]
        stem = re.sub(r"Container$", "", kind) or "docker"
        base = f"{re.sub(r'(?<!^)(?=[A-Z][a-z])', '_', stem).lower()}_container".replace("local_stack", "localstack")
        taken = self.model.module_level_names() | set(self.new_fixtures.values())
        taken |= {fact.name for conftest in self.context.project.conftests for fact in conftest.fixtures}
        name, number = base, 2
        while name in taken:
            name, number = f"{base}_{number}", number + 1
        return name


def placement_note(placement) -> str:
    """Where the session fixture goes when other modules share it, or why it stays in this module."""
    if placement is None:
        return ""
    if placement.conftest is not None:
        return f"; the session fixture goes to `{placement.shown}`, which the {placement.modules} modules that start it share"
    return f"; the session fixture stays in this module although {placement.modules} modules start it: {placement.stays}"


def _names_in(expression: cst.BaseExpression) -> set[str]:
    """The names an expression reads (not attribute names, not keywords)."""
    nodes = list(descendants(expression))
    skipped = {id(node.attr) for node in nodes if isinstance(node, cst.Attribute)}
    skipped |= {id(node.keyword) for node in nodes if isinstance(node, cst.Arg) and node.keyword is not None}
    return {node.value for node in nodes if isinstance(node, cst.Name) and id(node) not in skipped}


def _contains(statement: cst.CSTNode, node: cst.CSTNode | None) -> bool:
    return node is not None and any(child is node for child in descendants(statement))


def _assigns(statement: cst.CSTNode, name: str) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    return (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
            and small.targets[0].target.value == name)  # fmt: skip


def _without_start(chain: cst.BaseExpression) -> cst.BaseExpression:
    """`X(...).with_env(...).start()` -> `X(...).with_env(...)`: the fixture's `with` starts it."""
    if isinstance(chain, cst.Call) and isinstance(chain.func, cst.Attribute):
        inner = _without_start(chain.func.value)
        if chain.func.attr.value == "start":
            return inner
        return chain.with_changes(func=chain.func.with_changes(value=inner))
    return chain


def _assigned_names(function: cst.FunctionDef) -> set[str]:
    names = set()
    for node in descendants(function.body):
        if isinstance(node, cst.AssignTarget) and isinstance(node.target, cst.Name):
            names.add(node.target.value)
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)) and isinstance(node.target, cst.Name):
            names.add(node.target.value)
        elif isinstance(node, (cst.For, cst.CompFor)) and isinstance(node.target, cst.Name):
            names.add(node.target.value)
        elif isinstance(node, cst.AsName) and isinstance(node.name, cst.Name):
            names.add(node.name.value)
    return names
