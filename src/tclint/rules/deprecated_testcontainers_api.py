"""TCL702 deprecated-testcontainers-api: testcontainers APIs that warn, raise or are gone."""

from __future__ import annotations

import libcst as cst

from tclint.diagnostics import SAFE
from tclint.engine import build
from tclint.engine.fixes import Fix, ImportRequest
from tclint.engine.model import ContainerRef, keyword_arg, source_of
from tclint.engine.names import dotted, module_name
from tclint.engine.rule import Rule
from tclint.engine.versions import testcontainers_at_least, unknown_version_note
from tclint.knowledge import DEPRECATED_FUNCTIONS, REMOVED_ATTRIBUTES, REMOVED_MODULES, WAIT_STRATEGY_OK, log_seen_by_readiness

WAIT_FOR_LOGS = "testcontainers.core.waiting_utils.wait_for_logs"
STRATEGIES = "testcontainers.core.wait_strategies"
VERSION_4 = (4, 0)  # 3.x keywords, attributes and modules raise or are gone from here
STRATEGIES_IN = (4, 13)  # wait strategies exist, and wait_for_logs is deprecated, from here


class DeprecatedTestcontainersApi(Rule):
    name = "deprecated-testcontainers-api"

    def __init__(self, context) -> None:
        super().__init__(context)
        self.version_4 = testcontainers_at_least(context, VERSION_4)  # None: unknown
        self.strategies = testcontainers_at_least(context, STRATEGIES_IN)
        self.attributes: list[tuple[cst.Attribute, object]] = []
        self.calls: list[tuple[cst.Call, str, cst.CSTNode | None, ContainerRef | None]] = []

    # -- imports of removed modules -----------------------------------------------------------------

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        source = "" if node.relative else module_name(node)
        names = [] if isinstance(node.names, cst.ImportStar) else [f"{source}.{dotted(a.name)}" for a in node.names]
        for name in (source, *names):
            if name in REMOVED_MODULES:
                self.report_from(VERSION_4, node, f"`{name}` was removed in testcontainers 4.0: use `{REMOVED_MODULES[name]}`")
                return

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted(alias.name) or ""
            if name in REMOVED_MODULES:
                self.report_from(VERSION_4, alias, f"`{name}` was removed in testcontainers 4.0: use `{REMOVED_MODULES[name]}`")

    # -- calls, decorators, attributes ---------------------------------------------------------------

    def visit_Decorator(self, node: cst.Decorator) -> None:
        expr = node.decorator.func if isinstance(node.decorator, cst.Call) else node.decorator
        name = self.model.qualified(expr)
        if name in DEPRECATED_FUNCTIONS:
            self.report(node, f"`@{name.rsplit('.', 1)[-1]}` is deprecated: {self.advice(name)}")

    def visit_Call(self, node: cst.Call) -> None:
        name = self.model.qualified(node.func)
        if name in DEPRECATED_FUNCTIONS and not self.is_decorator(node):
            if name in WAIT_STRATEGY_OK and self.is_wait_strategy(self.predicate(node)):
                return
            # reported in finish(), with the container the call waits for (looked up where the call is)
            target = node.args[0].value if node.args else None
            ref = self.model.variable(target.value) if isinstance(target, cst.Name) else None
            self.calls.append((node, name, self.context.walker.parent(2), ref))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in REMOVED_ATTRIBUTES:
            self.attributes.append((node, self.model.current_scope))

    def visit_Annotation(self, node: cst.Annotation) -> None:
        """`container: DbContainer`: the deprecated class as the type of what a helper takes or returns."""
        expr = node.annotation
        while isinstance(expr, cst.Subscript):  # `Optional[DbContainer]`
            elements = [element.slice.value for element in expr.slice if isinstance(element.slice, cst.Index)]
            expr = elements[0] if len(elements) == 1 else expr.value
        found = self.model.container_class_of(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else None
        if found is not None and found.deprecated and self.model.qualified(expr) is not None:
            self.report_from(VERSION_4, node, f"`{found.short_name}` is deprecated: use the container class of the database, or `DockerContainer`")

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for base in node.bases:
            found = self.model.container_class_of(base.value)
            if found is not None and found.deprecated and self.model.qualified(base.value) is not None:
                message = f"`{found.short_name}` is deprecated: subclass the container class of the database, or `DockerContainer`"
                self.report_from(VERSION_4, base, message)

    def finish(self) -> None:
        for node, name, statement, ref in self.calls:
            short = name.rsplit(".", 1)[-1]
            detail = " with a text or callable predicate" if name in WAIT_STRATEGY_OK else ""
            message = f"`{short}(...)`{detail} is deprecated: {self.advice(name)}"
            if name == WAIT_FOR_LOGS and self.redundant_wait(node, statement, ref):
                message = (f"`wait_for_logs(...)` waits for a log line that `{ref.cls.short_name}.start()` has already waited for: "
                           "the call is redundant")  # fmt: skip
                self.report_from(STRATEGIES_IN, node, message, lambda: self.removal_fix(statement, ref))
            elif name == WAIT_FOR_LOGS:
                self.report_from(STRATEGIES_IN, node, message, lambda: self.strategy_fix(node, name, statement, ref))
            else:
                self.report(node, message)
        for scope in (self.model.module_scope, *self.model.functions):
            for ref in scope.containers:
                self.check_construction(ref)
        for node, scope in self.attributes:
            if self.model.container_of(node.value, scope) is not None:
                new = REMOVED_ATTRIBUTES[node.attr.value]
                message = f"`.{node.attr.value}` is a testcontainers 3.x attribute, gone in 4.x: use `.{new}`"
                self.report_from(VERSION_4, node, message)

    def report_from(self, version: tuple[int, ...], node: cst.CSTNode, message: str, fix=lambda: None) -> None:
        """Report what is wrong only from testcontainers `version` on: silent before it; without a known
        version, reported with a note and no fix (the fix would break an older project)."""
        applies = self.version_4 if version == VERSION_4 else self.strategies
        if applies is False:
            return
        if applies is None:
            self.report(node, message + unknown_version_note(self.context))
        else:
            self.report(node, message, fix())

    def is_decorator(self, node: cst.Call) -> bool:
        return isinstance(self.context.walker.parent(), cst.Decorator)

    @staticmethod
    def predicate(call: cst.Call) -> cst.BaseExpression | None:
        positional = [arg for arg in call.args if arg.keyword is None]
        if len(positional) > 1:
            return positional[1].value
        arg = keyword_arg(call, "predicate")
        return arg.value if arg else None

    def is_wait_strategy(self, predicate: cst.BaseExpression | None) -> bool:
        """A `WaitStrategy` object (`LogMessageWaitStrategy(...)`, configured or in a variable) is the new
        API; a text, a pattern or a callable is the deprecated one."""
        if predicate is None:
            return True  # no predicate: not the deprecated form (nor a working call)
        value = self.model.origin(predicate).expr
        while isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value.startswith("with_"):
            value = value.func.value
        return isinstance(value, cst.Call) and (self.model.qualified(value.func) or "").startswith(STRATEGIES + ".")

    @staticmethod
    def advice(name: str) -> str:
        text = DEPRECATED_FUNCTIONS[name]
        return "use " + text.split("Use ", 1)[1].rstrip(".") if "Use " in text else "see the testcontainers changelog"

    # -- constructions: deprecated keywords and classes ----------------------------------------------

    def check_construction(self, ref: ContainerRef) -> None:
        if ref.cls.deprecated:
            self.report_from(VERSION_4, ref.construction.func, f"`{ref.cls.short_name}` is deprecated: use the container class of the database")
        renames = dict(ref.cls.deprecated_parameters)
        for arg in ref.construction.args:
            if arg.keyword is None or arg.keyword.value not in renames:
                continue
            new = renames[arg.keyword.value]
            message = f"`{ref.cls.short_name}(..., {arg.keyword.value}=...)` raises ValueError in testcontainers 4: use `{new}`"
            self.report_from(VERSION_4, arg, message, lambda arg=arg, new=new: self.rename_fix(arg, new))

    @staticmethod
    def rename_fix(arg: cst.Arg, new: str) -> Fix | None:
        if not new.isidentifier():
            return None
        return Fix(f"Rename `{arg.keyword.value}` to `{new}`", SAFE, [(arg.keyword, cst.Name(new))])

    # -- wait_for_logs -> waiting_for(LogMessageWaitStrategy) ----------------------------------------

    @staticmethod
    def plain_wait(call: cst.Call, statement, ref: ContainerRef | None) -> bool:
        """`wait_for_logs(c, "text")` or `wait_for_logs(c, "text", timeout=T)` as a statement of its own, on a
        container the module builds."""
        if ref is None or len(call.args) < 2 or not isinstance(call.args[1].value, (cst.SimpleString, cst.ConcatenatedString)):
            return False
        extra = [arg for arg in call.args[2:] if not (arg.keyword and arg.keyword.value == "timeout")]
        return not extra and not (len(call.args) > 2 and call.args[2].keyword is None) and build.call_statement(statement) is call

    def redundant_wait(self, call: cst.Call, statement, ref: ContainerRef | None) -> bool:
        """A plain wait for a line the class's own readiness check (`X.start()`) has already waited for."""
        if not self.plain_wait(call, statement, ref) or not ref.cls.waits_until_ready or ref.cls.configured:
            return False
        text = call.args[1].value.evaluated_value
        return isinstance(text, str) and log_seen_by_readiness(text, ref.cls)

    @staticmethod
    def removal_fix(statement, ref: ContainerRef) -> Fix:
        """Safe: the wait finds at once a line start() has already waited for; nothing else changes."""
        return Fix(f"Remove the call: `{ref.cls.short_name}.start()` already waits for that log line",
                   SAFE, [(statement, cst.RemoveFromParent())])  # fmt: skip

    def strategy_fix(self, call: cst.Call, name: str, statement, ref: ContainerRef | None) -> Fix | None:
        """`c = X(...)` ... `wait_for_logs(c, "text", timeout=T)` -> `c = X(...).waiting_for(
        LogMessageWaitStrategy("text").with_startup_timeout(T))`, chained where the container is built
        (a module-level container too)."""
        if not self.plain_wait(call, statement, ref):
            return None
        if ref.cls.waits_until_ready and not ref.cls.configured:
            return None  # a wait strategy set on such a class could replace the class's own check
        timeout = keyword_arg(call, "timeout")
        strategy = f"LogMessageWaitStrategy({source_of(call.args[1].value)})"
        if timeout is not None:
            strategy += f".with_startup_timeout({source_of(timeout.value)})"
        built = ref.construction
        chained = cst.parse_expression(f"_.waiting_for({strategy})").with_changes(lpar=built.lpar, rpar=built.rpar)
        chained = chained.with_changes(func=chained.func.with_changes(value=built.with_changes(lpar=[], rpar=[])))
        return Fix("Set a `LogMessageWaitStrategy` where the container is built", SAFE,
                   [(built, chained), (statement, cst.RemoveFromParent())],
                   imports=(ImportRequest(STRATEGIES, "LogMessageWaitStrategy"),))  # fmt: skip
