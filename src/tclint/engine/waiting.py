"""What the waiting rules share: recognising sleeps, polling loops and sleeps after a container start,
and building calls to the `wait_for_condition` helper."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from tclint.engine import build
from tclint.engine.model import ContainerRef, Model, descendants, source_of
from tclint.engine.names import dotted
from tclint.knowledge import SLEEP_FUNCTIONS

# a class or function whose name says it stands in for something slow on purpose
HANDLER_BASES = ("RequestHandler", "BaseHTTPRequestHandler", "StreamRequestHandler", "DatagramRequestHandler", "BaseRequestHandler")
STAND_IN = re.compile(r"fake|stub|mock|dummy|slow|delay|latenc|fault|flaky|chaos|hang|throttl|simulat", re.IGNORECASE)
HELPER_NAMES = ("wait_for_condition", "wait_for_condition_sync")
FINE_POLL_SECONDS = 0.05  # a loop polling this often wastes nothing worth reporting


@dataclass(frozen=True)
class Sleep:
    call: cst.Call
    function: str  # e.g. "time.sleep"
    seconds: float | None  # None: not a literal

    @property
    def is_async(self) -> bool:
        return not self.function.startswith(("time.", "gevent."))


def sleep_of(call: cst.Call, model: Model) -> Sleep | None:
    function = model.qualified(call.func)
    if function not in SLEEP_FUNCTIONS:
        return None
    delay = call.args[0].value if call.args else None
    seconds = number(delay) if delay is not None else 0.0
    return Sleep(call, function, seconds)


def number(expr: cst.BaseExpression) -> float | None:
    if isinstance(expr, (cst.Integer, cst.Float)):
        return float(expr.evaluated_value)
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        inner = number(expr.expression)
        return -inner if inner is not None else None
    return None


def sleep_statement(statement: cst.CSTNode, model: Model) -> Sleep | None:
    """`time.sleep(S)` or `await asyncio.sleep(S)` as a whole statement."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, cst.Expr):
        return None
    value = small.value.expression if isinstance(small.value, cst.Await) else small.value
    return sleep_of(value, model) if isinstance(value, cst.Call) else None


def in_stand_in(model: Model) -> bool:
    """During a visit: inside a class, or a function that is neither a test nor a fixture, named as a
    deliberately slow stand-in (`SlowUpstream`, `fake_clock`...)."""
    return any(is_stand_in(scope, model) for scope in model.scopes)


def is_stand_in(scope, model: Model) -> bool:
    """A class or helper function named as a deliberately slow stand-in, handed to a mock or a thread as
    its behaviour (`side_effect=slow_response`, `Thread(target=drop_connections)`), or a request handler
    of a server the test runs."""
    if getattr(scope, "fixture", None) is not None or getattr(scope, "is_test", False):
        return False
    name = scope.node.name.value
    if STAND_IN.search(name) or name in model.stand_in_names:
        return True
    bases = scope.node.bases if isinstance(scope.node, cst.ClassDef) else ()
    return any((dotted(base.value) or "").endswith(HANDLER_BASES) for base in bases)


def is_test_code(model: Model) -> bool:
    """Test modules, conftest.py, and modules under a test folder."""
    parts = model.path.replace("\\", "/").split("/")
    return model.is_test_module or model.is_conftest or bool({"test", "tests", "testing"} & set(parts[:-1]))


# -- polling loops ----------------------------------------------------------------------------------


UNBOUNDED_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class PollingLoop:
    loop: cst.For | cst.While
    sleep: Sleep
    kind: str  # "check" (if COND: break) or "probe" (try: ...; break / except: sleep)
    condition: cst.BaseExpression | None  # the condition polled, for "check"
    probe: list | None  # the statements tried, for "probe"
    errors: cst.BaseExpression | None  # the exceptions that mean "not yet", for "probe"
    attempts: int | None  # N of `for _ in range(N)`
    deadline: bool  # bounded by a time check

    @property
    def bounded(self) -> bool:
        return self.attempts is not None or self.deadline

    @property
    def hand_written_wait(self) -> bool:
        """Bounded, and polling as often as `wait_for_condition` does: the recommended pattern, by hand."""
        return self.bounded and self.sleep.seconds is not None and self.sleep.seconds <= FINE_POLL_SECONDS

    @property
    def timeout_ms(self) -> int | None:
        if not self.bounded and self.condition is not None:
            return UNBOUNDED_TIMEOUT_MS  # `while COND: sleep(S)` waits forever: the fix gives it a limit
        if self.attempts is None or self.sleep.seconds is None:
            return None
        return int(round(self.attempts * self.sleep.seconds * 1000))


def polling_loop(loop: cst.CSTNode, model: Model) -> PollingLoop | None:
    if not isinstance(loop, (cst.For, cst.While)) or not isinstance(loop.body, cst.IndentedBlock):
        return None
    attempts, deadline, body, condition = None, False, list(loop.body.body), None
    if isinstance(loop, cst.For):
        attempts = _range_count(loop.iter, model)
        if attempts is None:
            return None
    elif _is_true(loop.test):
        deadline = _checks_time(body, model)
    elif isinstance(loop.test, cst.UnaryOperation) and isinstance(loop.test.operator, cst.Not):
        condition = loop.test.expression  # while not COND: sleep(S)
    else:
        deadline = _mentions_time(loop.test, model)
        if not deadline:
            condition = negated(loop.test)  # while llen(...) > 0: sleep(S) waits for the opposite
    if condition is not None:
        sleep = sleep_statement(body[-1], model) if body else None
        return PollingLoop(loop, sleep, "check", condition, None, None, None, False) if sleep and len(body) == 1 else None
    return _check_loop(loop, body, model, attempts, deadline) or _probe_loop(loop, body, model, attempts, deadline)


def _check_loop(loop, body, model, attempts, deadline) -> PollingLoop | None:
    """An `if COND: break` (or return, or raise) in the body and a `sleep(S)` statement after it. Only
    the plain two-statement form gives the condition (and so a fix)."""
    if len(body) < 2:
        return None
    sleeps = [(index, found) for index, statement in enumerate(body) if (found := sleep_statement(statement, model))]
    if not sleeps:
        return None
    position, sleep = sleeps[-1]
    checks = [s for s in body[:position] if isinstance(s, cst.If) and s.orelse is None and _exits(s.body)]
    if not checks:
        return None
    check = body[0]
    simple = len(body) == 2 and check is checks[0] and len(check.body.body) == 1 and _is_break(check.body.body[0])
    return PollingLoop(loop, sleep, "check", check.test if simple else None, None, None, attempts, deadline)


def _probe_loop(loop, body, model, attempts, deadline) -> PollingLoop | None:
    """`try: probe...; break  except (Errors): sleep(S)`."""
    if len(body) != 1 or not isinstance(body[0], cst.Try):
        return None
    attempt = body[0]
    if len(attempt.handlers) != 1 or attempt.finalbody is not None:
        return None
    handler = attempt.handlers[0]
    statements = list(attempt.body.body)
    if attempt.orelse is not None:  # try: probe / except: sleep / else: break
        otherwise = list(attempt.orelse.body.body)
        if len(otherwise) != 1 or not _is_break(otherwise[0]) or (statements and _is_break(statements[-1])):
            return None
        statements.append(otherwise[0])
    caught = list(handler.body.body)
    if len(caught) != 1 or len(statements) < 2 or not _is_break(statements[-1]) or handler.name is not None:
        return None
    sleep = sleep_statement(caught[0], model)
    if sleep is None:
        return None
    errors = handler.type if handler.type is not None else cst.Name("Exception")  # a bare except: any error
    return PollingLoop(loop, sleep, "probe", None, statements[:-1], errors, attempts, deadline)


NEGATED_OPERATORS = {cst.GreaterThan: cst.LessThanEqual, cst.LessThan: cst.GreaterThanEqual, cst.Equal: cst.NotEqual,
                     cst.GreaterThanEqual: cst.LessThan, cst.LessThanEqual: cst.GreaterThan, cst.NotEqual: cst.Equal,
                     cst.In: cst.NotIn, cst.NotIn: cst.In, cst.Is: cst.IsNot, cst.IsNot: cst.Is}  # fmt: skip


def negated(test: cst.BaseExpression) -> cst.BaseExpression:
    """The condition that ends `while test:`: a single comparison turned around, else `not (test)`."""
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        opposite = NEGATED_OPERATORS.get(type(target.operator))
        if opposite is not None:
            operator = target.operator
            spacing = {"whitespace_before": operator.whitespace_before, "whitespace_after": operator.whitespace_after}
            if opposite in (cst.NotIn, cst.IsNot):
                spacing["whitespace_between"] = cst.SimpleWhitespace(" ")
            return test.with_changes(comparisons=[target.with_changes(operator=opposite(**spacing))])
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return test.expression
    return cst.UnaryOperation(cst.Not(), test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))


def _range_count(expr: cst.BaseExpression, model: Model) -> int | None:
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "range" and len(expr.args) == 1:
        value = number(expr.args[0].value)
        return int(value) if value is not None and value == int(value) else None
    return None


def _is_true(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


def _is_break(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and isinstance(statement.body[0], cst.Break)


def _exits(block: cst.BaseSuite) -> bool:
    last = block.body[-1] if isinstance(block, cst.IndentedBlock) and block.body else None
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], (cst.Break, cst.Return, cst.Raise))


TIME_FUNCTIONS = ("time.time", "time.monotonic", "time.perf_counter", "datetime.datetime.now", "asyncio.get_event_loop")
DEADLINE_NAMES = re.compile(r"deadline|timeout|until|expir|end_time|time_left|remaining", re.IGNORECASE)


def _mentions_time(expr: cst.CSTNode, model: Model) -> bool:
    """A time check: a clock call, or a name that says it is a deadline (`now < timeout`)."""
    for node in descendants(expr):
        if isinstance(node, cst.Call) and (model.qualified(node.func) or "").startswith(TIME_FUNCTIONS):
            return True
        if isinstance(node, cst.Name) and DEADLINE_NAMES.search(node.value):
            return True
    return False


def _checks_time(body: list, model: Model) -> bool:
    return any(isinstance(statement, cst.If) and _mentions_time(statement.test, model) for statement in body)


# -- sleeps right after a container start -----------------------------------------------------------


def container_started_before(statements: list, index: int, owner: cst.CSTNode | None,
                             refs: list[ContainerRef]) -> ContainerRef | None:  # fmt: skip
    """The container started by the statement right before `statements[index]`, or whose `with` block
    (`owner`) this is the first statement of."""
    if index > 0:
        previous = statements[index - 1]
        for ref in refs:
            if ref.start_kind == "start" and any(node is ref.started_by for node in descendants(previous)):
                return ref
    if index == 0 and isinstance(owner, cst.With):
        return next((ref for ref in refs if ref.with_node is owner), None)
    return None


# -- building the helper call -----------------------------------------------------------------------


def description(expr: cst.CSTNode) -> cst.SimpleString:
    return build.string(" ".join(source_of(expr).split()))


def helper_call(helper: str, condition: cst.BaseExpression, text: cst.SimpleString, timeout_ms: int,
                awaited: bool) -> cst.BaseExpression:  # fmt: skip
    call = cst.Call(
        func=cst.Name(helper),
        args=[
            build.positional(condition),
            build.positional(text),
            build.keyword("timeout_ms", cst.Integer(str(timeout_ms))),
        ],
    )
    return cst.Await(expression=call) if awaited else call


def wait_statements(expr: cst.BaseExpression, text: cst.SimpleString, helper: str, timeout_ms: int, awaited: bool,
                    function) -> list[cst.BaseStatement]:  # fmt: skip
    """`helper(lambda: EXPR, ...)`; with an `await` in EXPR, a nested `async def` condition instead."""
    if awaited and has_await(expr) and isinstance(callable_of(expr), cst.Lambda):
        name = free_name(function.node, "condition")
        indent = "    "
        definition = cst.parse_statement(f"async def {name}():\n{indent}return 0\n")
        body = definition.body.with_changes(body=[cst.SimpleStatementLine(body=[cst.Return(value=expr)])])
        call = helper_call(helper, cst.Name(name), text, timeout_ms, awaited)
        return [definition.with_changes(body=body), cst.SimpleStatementLine(body=[cst.Expr(call)])]
    condition = callable_of(expr)
    return [cst.SimpleStatementLine(body=[cst.Expr(helper_call(helper, condition, text, timeout_ms, awaited))])]


def callable_of(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`f()` (or `await f()`) polls as `f`; anything else as `lambda: EXPR`."""
    inner = expr.expression if isinstance(expr, cst.Await) else expr
    if isinstance(inner, cst.Call) and not inner.args and isinstance(inner.func, (cst.Name, cst.Attribute)):
        return inner.func
    return cst.Lambda(params=cst.Parameters(), body=expr)


def free_name(scope: cst.CSTNode, wanted: str) -> str:
    taken = {node.value for node in descendants(scope) if isinstance(node, cst.Name)}
    name, number = wanted, 2
    while name in taken:
        name, number = f"{wanted}_{number}", number + 1
    return name


def has_await(expr: cst.CSTNode) -> bool:
    return any(isinstance(node, cst.Await) for node in descendants(expr))
