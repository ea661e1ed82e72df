"""What the waiting rules share: recognising sleeps, polling loops and sleeps after a container start,
and building calls to the `wait_for_condition` helper."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

import libcst as cst

from tclint.engine import build
from tclint.engine.model import ContainerRef, Model, descendants, source_of
from tclint.engine.names import dotted
from tclint.knowledge import FINALIZER_METHODS, SLEEP_FUNCTIONS
from tclint.project import TESTS_FOLDERS

TEST_PACKAGES = frozenset({"pytest", "_pytest", "pytest_asyncio", "unittest", "testcontainers"})

# a class or function whose name says it stands in for something slow on purpose
HANDLER_BASES = ("RequestHandler", "BaseHTTPRequestHandler", "StreamRequestHandler", "DatagramRequestHandler", "BaseRequestHandler")
STAND_IN = re.compile(r"fake|stub|mock|dummy|slow|delay|latenc|fault|flaky|chaos|hang|throttl|simulat", re.IGNORECASE)
HELPER_NAMES = ("wait_for_condition", "wait_for_condition_sync")
FINE_POLL_SECONDS = 0.05  # a loop polling this often wastes nothing worth reporting


@dataclass(frozen=True)
class Sleep:
    call: cst.Call
    function: str  # e.g. "time.sleep"
    seconds: float | None  # None: not known
    exact: bool = True  # the seconds are a literal or a constant; False: a parameter's default

    @property
    def is_async(self) -> bool:
        return not self.function.startswith(("time.", "gevent."))

    @property
    def fixed_seconds(self) -> float | None:
        """The seconds every call sleeps, for a fix's timeout: not a parameter's default."""
        return self.seconds if self.exact else None

    def amount(self) -> str:
        return f"{self.seconds:g} s" if self.seconds is not None else "a fixed time"


def sleep_of(call: cst.Call, model: Model) -> Sleep | None:
    function = model.qualified(call.func)
    if function not in SLEEP_FUNCTIONS:
        return None
    if not call.args:
        return Sleep(call, function, 0.0)
    seconds, exact = seconds_of(call.args[0].value, model)
    return Sleep(call, function, seconds, exact)


def seconds_of(delay: cst.BaseExpression, model: Model) -> tuple[float | None, bool]:
    """A delay's seconds: a literal, a constant (`CHECK_INTERVAL`, `self.interval` set from one), or the
    default of the parameter it is (`interval: float = 2.0`), which is not exact."""
    value = number(delay)
    if value is not None:
        return value, True
    origin = model.origin(delay)
    if origin.param is not None:
        binding = next((b for b in model.bindings(origin.param, origin.scope) if b.kind == "param"), None)
        default = binding.value if binding is not None else None
        return (number(default), False) if default is not None else (None, False)
    value = number(origin.expr) if origin.expr is not delay else None
    return value, value is not None


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


def in_stand_in(model: Model, polls: bool = False) -> bool:
    """During a visit: inside a class, or a function that is neither a test nor a fixture, named as a
    deliberately slow stand-in (`SlowUpstream`, `fake_clock`...)."""
    return any(is_stand_in(scope, model, polls) for scope in model.scopes)


def is_stand_in(scope, model: Model, polls: bool = False) -> bool:
    """A class or helper function named as a deliberately slow stand-in, handed to a mock or a thread as
    its behaviour (`side_effect=slow_response`, `Thread(target=drop_connections)`), or a request handler
    of a server the test runs. A thread's function that `polls` (a loop that tries a check and sleeps
    until it holds) waits like any other: only its name or a mock's use makes it a stand-in."""
    if getattr(scope, "fixture", None) is not None or getattr(scope, "is_test", False):
        return False
    name = scope.node.name.value
    if STAND_IN.search(name) or name in model.stand_in_names or (name in model.thread_targets and not polls):
        return True
    bases = scope.node.bases if isinstance(scope.node, cst.ClassDef) else ()
    return any((dotted(base.value) or "").endswith(HANDLER_BASES) for base in bases)


# packages that run a function for the test itself: retrying it, or running it concurrently with the
# test (task groups, nurseries, green threads; the standard library's are known by being its)
RETRY_PACKAGES = frozenset({"tenacity", "backoff", "retrying", "stamina"})
CONCURRENCY_PACKAGES = frozenset({"anyio", "trio", "gevent", "eventlet", "curio"})
CLEANUP_METHODS = FINALIZER_METHODS - {"register"}  # `atexit.register` is the standard library's; `worker.register(job)` takes work


def takes_work(func: cst.BaseExpression, model: Model) -> bool:
    """A callee or decorator that takes a function as work to run for the code under test: a method of
    an object the test did not make with the standard library or a concurrency library (`@worker.task()`,
    `queue.enqueue(job)`, `scheduler.add_job(job)`; not `task_group.start_soon(publish)`), what such a call
    returns (`worker.task()(job)`), a class the module defines, or a function or class of another package
    (`@shared_task`, `Worker(functions=[job])`). Not the test's own functions, builtins, cleanup
    registrations (`request.addfinalizer`) or the test case's own methods (`self.assertRaises(E, job)`)."""
    if isinstance(func, cst.Call):
        return takes_work(func.func, model)
    qualified = model.qualified(func)
    if qualified is not None:
        return not runs_for_the_test(qualified)
    if isinstance(func, cst.Attribute):
        receiver = func.value
        if func.attr.value in CLEANUP_METHODS or (isinstance(receiver, cst.Name) and receiver.value in ("self", "cls")):
            return False
        made = model.origin(receiver).expr
        maker = model.qualified(made.func) if isinstance(made, cst.Call) else None
        return maker is None or not runs_for_the_test(maker)
    if isinstance(func, cst.Name):
        return any(binding.kind == "class" for binding in model.bindings(func.value))
    return False


def runs_for_the_test(qualified: str) -> bool:
    """A name of the standard library, a test framework, a retry or concurrency library, or the project's
    test code (`tests.helpers.retry`): what it runs, it runs as part of the test's own control flow."""
    parts = qualified.split(".")
    top = parts[0]
    if top in sys.stdlib_module_names or top in TEST_PACKAGES or top.startswith("pytest"):
        return True
    return top in RETRY_PACKAGES or top in CONCURRENCY_PACKAGES or bool(set(TESTS_FOLDERS) & set(parts[:-1]))


def functions_handed_over(call: cst.Call, model: Model) -> list[str]:
    """The names of functions a call takes as work (`takes_work`), alone or in a list or tuple
    (`Worker(functions=[job])`): to be looked up once the module's definitions are known."""
    if not takes_work(call.func, model):
        return []
    names = []
    for arg in call.args:
        values = [e.value for e in arg.value.elements] if isinstance(arg.value, (cst.List, cst.Tuple)) else [arg.value]
        names += [value.value for value in values if isinstance(value, cst.Name)]
    return names


def registered_by_decorator(node: cst.FunctionDef, model: Model) -> bool:
    """A function decorated as work for something else to run (`@worker.task()`, `@app.task`, `@shared_task`)."""
    return any(takes_work(decorator.decorator, model) for decorator in node.decorators)


def is_test_code(model: Model) -> bool:
    """What pytest collects (test modules, conftest.py), modules that define fixtures or unittest test
    cases or import testcontainers (a library's test base classes and fixtures, `src/mylib/testing.py`),
    and the other modules under a test folder (helpers the tests import), except programs of their own
    that hold nothing of a test: a script or a serverless function's code that the tests ship into a
    container or run as a process, whose sleeps happen there, not in the test."""
    if model.is_test_module or model.is_conftest or test_machinery(model):
        return True
    parts = model.path.replace("\\", "/").split("/")
    return bool(set(TESTS_FOLDERS) & set(parts[:-1])) and not is_program(model.module)


def test_machinery(model: Model) -> bool:
    """Fixtures, unittest test cases, or imports of pytest, unittest or testcontainers."""
    if model.local_testcases or any(function.fixture is not None for function in model.functions):
        return True
    return any(name.split(".", 1)[0] in TEST_PACKAGES for name in model.resolver.imported_names())


def is_program(module: cst.Module) -> bool:
    """A module meant to run on its own: a `#!` line, or an `if __name__ == "__main__":` block."""
    first = module.header[0].comment if module.header else None
    if first is not None and first.value.startswith("#!"):
        return True
    return any(isinstance(statement, cst.If) and "__name__" in source_of(statement.test) and "__main__" in source_of(statement.test)
               for statement in module.body)  # fmt: skip


def measured(call: cst.Call, body: list, model: Model) -> bool:
    """The function reads the clock before the statement that sleeps and after it: the time slept is what
    the test measures (a timer, a timestamp that must move), not a wait for something else."""
    index = next((i for i, statement in enumerate(body) if any(node is call for node in descendants(statement))), None)
    if index is None:
        return False
    return any(_reads_clock(s, model) for s in body[:index]) and any(_reads_clock(s, model) for s in body[index + 1 :])


def _reads_clock(statement: cst.CSTNode, model: Model) -> bool:
    return any(isinstance(node, cst.Call) and (model.qualified(node.func) or "").startswith(TIME_FUNCTIONS) for node in descendants(statement))


# -- polling loops ----------------------------------------------------------------------------------


UNBOUNDED_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class PollingLoop:
    loop: cst.For | cst.While
    sleep: Sleep
    kind: str  # "check" (a condition ends it) or "probe" (try: ...; break / except: sleep)
    condition: cst.BaseExpression | None  # the condition polled, when the loop is plain enough to fix
    probe: list | None  # the statements tried, for "probe"
    errors: cst.BaseExpression | None  # the exceptions that mean "not yet", for "probe"
    attempts: int | None  # N of `for _ in range(N)`
    bounded: bool  # an attempt limit, a counter or a deadline ends it

    @property
    def hand_written_wait(self) -> bool:
        """Bounded, and polling as often as `wait_for_condition` does: the recommended pattern, by hand."""
        return self.bounded and self.sleep.seconds is not None and self.sleep.seconds <= FINE_POLL_SECONDS

    @property
    def timeout_ms(self) -> int | None:
        if not self.bounded and self.condition is not None:
            return UNBOUNDED_TIMEOUT_MS  # `while COND: sleep(S)` waits forever: the fix gives it a limit
        seconds = self.sleep.fixed_seconds
        if self.attempts is None or seconds is None:
            return None
        return int(round(self.attempts * seconds * 1000))


def polling_loop(loop: cst.CSTNode, model: Model) -> PollingLoop | None:
    """A loop that waits for something with a sleep between tries: it ends when a condition holds (its
    `while` test, or a `break`/`return` under an `if` or after a probe in `try:`), and its body only waits
    (a `while` loop whose body does other work until a flag stops it is a worker, not a wait)."""
    found = _ending(loop, model)
    if found is None:
        return None
    sleep, body, ended, waited, limits, counters = found
    if not ended and not _only_waits(body, loop.test, model):
        return None
    attempts = _range_count(loop.iter, model) if isinstance(loop, cst.For) else None
    bounded = (isinstance(loop, cst.For) and not _endless(loop.iter, model)) or limits or _bounded_in_body(body, counters, model)
    shaped = _probe_loop(loop, body, model, attempts, bounded)
    if shaped is not None:
        return shaped
    condition = None
    if waited is not None and not ended and not limits and len(body) == 1:
        condition = negated(waited)  # while COND: sleep(S) waits for the opposite
    elif waited is None and len(body) == 2:
        condition = _plain_check(body)
    return PollingLoop(loop, sleep, "check", condition, None, None, attempts, bounded)


def in_polling_loop(parents: list, model: Model) -> bool:
    """During a visit: the innermost loop of the function around the node sleeps between checks of a
    condition that ends it, so the sleep is sleep-polling-loop's to judge (a wait, or a worker's pace),
    never a guess of its own."""
    for node in reversed(parents):
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return False
        if isinstance(node, (cst.For, cst.While)):
            return _ending(node, model) is not None
    return False


def _ending(loop: cst.CSTNode, model: Model):
    """(its sleep, body, whether a `break`/`return` ends it on a condition, the part of its `while` test
    waited for, whether that test bounds it, its counters), or None when nothing but time or tries ends
    it, or it does not sleep."""
    if not isinstance(loop, (cst.For, cst.While)) or not isinstance(loop.body, cst.IndentedBlock):
        return None
    body = list(loop.body.body)
    sleep = next((found for statement in own_statements(body) if (found := sleep_statement(statement, model))), None)
    if sleep is None:
        return None
    counters = _counters(body)
    ended = any(not _is_bound(test, counters, model) for test in _exit_tests(body))
    waited, limits = None, False
    if isinstance(loop, cst.While) and not _is_true(loop.test):
        waited, limits = _split_test(loop.test, counters, model)
    if waited is None and not ended:
        return None  # `while time.monotonic() < end:`, `for item in items:`: runs for a time or a list
    return sleep, body, ended, waited, limits, counters


def own_statements(body: list):
    """The statements of a loop body, nested blocks included, but not those of a nested loop, function
    or class (their sleeps and exits are theirs)."""
    for statement in body:
        yield statement
        if isinstance(statement, (cst.For, cst.While, cst.FunctionDef, cst.ClassDef)):
            continue
        for block in _blocks(statement):
            yield from own_statements(list(block.body))


def _blocks(statement: cst.CSTNode) -> list:
    blocks = []
    if isinstance(statement, (cst.If, cst.With, cst.Try)):
        blocks.append(statement.body)
    if isinstance(statement, cst.If) and statement.orelse is not None:
        blocks.append(statement.orelse if isinstance(statement.orelse, cst.If) else statement.orelse.body)
    if isinstance(statement, cst.Try):
        blocks += [handler.body for handler in statement.handlers]
        blocks += [part.body for part in (statement.orelse, statement.finalbody) if part is not None]
    return [block if isinstance(block, cst.IndentedBlock) else cst.IndentedBlock(body=[block]) for block in blocks]


def _exit_tests(body: list, test: cst.BaseExpression | None = None, in_try: bool = False):
    """For every `break`/`return` that ends the loop: the test of the `if` it is under (None: after a
    probe in `try:`). An unconditional exit outside `try:` ends the first pass and is not a wait."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            if any(isinstance(small, (cst.Break, cst.Return)) for small in statement.body) and (test is not None or in_try):
                yield test
        elif isinstance(statement, cst.If):
            yield from _exit_tests(list(statement.body.body), statement.test, in_try)
            if statement.orelse is not None:
                yield from _exit_tests(_blocks(statement)[1].body, test, in_try)
        elif isinstance(statement, cst.Try):
            for index, block in enumerate(_blocks(statement)):
                yield from _exit_tests(list(block.body), test, in_try or index == 0 or block is _else_block(statement))
        elif isinstance(statement, cst.With):
            yield from _exit_tests(list(statement.body.body), test, in_try)


def _else_block(attempt: cst.Try):
    return attempt.orelse.body if attempt.orelse is not None else None


def _counters(body: list) -> set[str]:
    """Names the loop counts with: `attempts += 1`, `elapsed += interval`."""
    return {
        dotted(node.target) for statement in own_statements(body) if isinstance(statement, cst.SimpleStatementLine)
        for node in statement.body if isinstance(node, cst.AugAssign) and dotted(node.target)
    }  # fmt: skip


def _is_bound(test: cst.BaseExpression | None, counters: set[str], model: Model) -> bool:
    """A test that ends the loop only for running out of time or tries, not because what it waits for
    holds (`count >= wanted or time.monotonic() > deadline` is both)."""
    if test is None:
        return False
    return all(_limits(part, counters, model) for part in _operands(test, cst.Or))


def _has_bound(test: cst.BaseExpression, counters: set[str], model: Model) -> bool:
    """A test that checks the time or a counter, alone or among `and`/`or` operands."""
    return any(_limits(part, counters, model) for part in _operands(test, cst.Or) for part in _operands(part, cst.And))


def _limits(test: cst.BaseExpression, counters: set[str], model: Model) -> bool:
    """A check of the time (a clock call, a deadline name), or of a counter the loop keeps."""
    return _mentions_time(test, model) or (
        not any(isinstance(node, cst.Call) for node in descendants(test)) and _mentions(test, counters)
    )


def _operands(test: cst.BaseExpression, operator: type) -> list:
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, operator) and not test.lpar:
        return [*_operands(test.left, operator), *_operands(test.right, operator)]
    return [test]


def _mentions(expr: cst.CSTNode, names: set[str]) -> bool:
    return any(isinstance(node, (cst.Name, cst.Attribute)) and dotted(node) in names for node in descendants(expr))


def _split_test(test: cst.BaseExpression, counters: set[str], model: Model):
    """`while not ready() and time.monotonic() < deadline:` -> (the part waited for, whether a part
    bounds the loop)."""
    parts = _operands(test, cst.And)
    waited = [part for part in parts if not _is_bound(part, counters, model)]
    limits = len(waited) < len(parts)
    if not waited:
        return None, limits
    joined = waited[0]
    for part in waited[1:]:
        joined = cst.BooleanOperation(left=joined, operator=cst.And(), right=part)
    return joined, limits


LOGGING_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
LOGGER_FACTORIES = ("logging.getLogger", "structlog.get_logger", "structlog.getLogger")


def is_logging(call: cst.Call, model: Model) -> bool:
    """`print(...)`, `logging.info(...)`, or a log method of a logger (`log = logging.getLogger(...)`,
    loguru's `logger`)."""
    func = call.func
    if isinstance(func, cst.Name) and func.value == "print":
        return True
    if not isinstance(func, cst.Attribute) or func.attr.value not in LOGGING_METHODS:
        return False
    receiver = model.qualified(func.value) or ""
    if receiver in ("logging", "loguru.logger"):
        return True
    origin = model.origin(func.value).expr
    return isinstance(origin, cst.Call) and (model.qualified(origin.func) or "") in LOGGER_FACTORIES


def only_checks(loop: cst.For | cst.While, model: Model) -> bool:
    """A loop whose body tries a check and sleeps until it holds: outside the branches that leave it,
    it only fetches what its checks read, sleeps, counts, logs and swallows errors (a thread's
    `while True: if stop.is_set(): return; inject_fault(); sleep(1)` does other work: it is a worker)."""
    body = list(loop.body.body)
    read = _checked_names(body, loop.test if isinstance(loop, cst.While) else None)
    return all(_checks(statement, read, model) for statement in body)


def _checks(statement: cst.CSTNode, read: set[str], model: Model) -> bool:
    if isinstance(statement, cst.If) and statement.orelse is None and any(True for _ in _exit_tests(list(statement.body.body), statement.test)):
        return True  # the branch that leaves the loop once the check holds may do anything
    if isinstance(statement, (cst.If, cst.With, cst.Try)):
        return all(_checks(inner, read, model) for block in _blocks(statement) for inner in block.body)
    return _waits(statement, read, model)


def _checked_names(body: list, test: cst.BaseExpression | None) -> set[str]:
    """The names and attributes the loop's test and its `if`s and asserts read."""
    checks = [test] if test is not None else []
    checks += [s.test for s in own_statements(body) if isinstance(s, cst.If)]
    checks += [small.test for s in own_statements(body) if isinstance(s, cst.SimpleStatementLine) for small in s.body
               if isinstance(small, cst.Assert)]  # fmt: skip
    return {dotted(node) for check in checks for node in descendants(check) if isinstance(node, (cst.Name, cst.Attribute)) and dotted(node)}


def _only_waits(body: list, test: cst.BaseExpression, model: Model) -> bool:
    """A `while COND:` body that sleeps, counts, checks its limits, logs, and reads again what COND
    reads; any other work makes the loop a worker whose sleep is its pace (`while not stop.is_set():
    sample(); sleep(1)`)."""
    read = _checked_names(body, test)
    return all(_waits(statement, read, model) for statement in body)


def _waits(statement: cst.CSTNode, read: set[str], model: Model) -> bool:
    if isinstance(statement, (cst.If, cst.With, cst.Try)):
        return all(_waits(inner, read, model) for block in _blocks(statement) for inner in block.body)
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return all(_small_waits(small, read, model) for small in statement.body)


def _small_waits(small: cst.CSTNode, read: set[str], model: Model) -> bool:
    if isinstance(small, (cst.Pass, cst.Continue, cst.Raise, cst.Assert, cst.AugAssign)):
        return True
    if isinstance(small, (cst.Assign, cst.AnnAssign)):
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
        return all(dotted(target) in read for target in targets)
    if isinstance(small, cst.Expr):
        value = small.value.expression if isinstance(small.value, cst.Await) else small.value
        if not isinstance(value, cst.Call):
            return False
        if model.qualified(value.func) in SLEEP_FUNCTIONS or is_logging(value, model):
            return True
        return isinstance(value.func, cst.Attribute) and dotted(value.func.value) in read
    return False


def _plain_check(body: list) -> cst.BaseExpression | None:
    """The condition of a two-statement body `if COND: break` and the sleep, in either order."""
    check = next((s for s in body if isinstance(s, cst.If)), None)
    if check is None or check.orelse is not None or len(check.body.body) != 1 or not _is_break(check.body.body[0]):
        return None
    return check.test


def _bounded_in_body(body: list, counters: set[str], model: Model) -> bool:
    """An `if` or `assert` in the body that checks the time or a counter."""
    for statement in own_statements(body):
        tests = [statement.test] if isinstance(statement, cst.If) else []
        if isinstance(statement, cst.SimpleStatementLine):
            tests += [small.test for small in statement.body if isinstance(small, cst.Assert)]
        if any(_has_bound(test, counters, model) for test in tests):
            return True
    return False


def _probe_loop(loop, body, model, attempts, bounded) -> PollingLoop | None:
    """`try: probe...; break  except (Errors): sleep(S)`: the shape the fix rewrites."""
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
    return PollingLoop(loop, sleep, "probe", None, statements[:-1], errors, attempts, bounded)


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
    """N of `range(N)`, a literal or a constant."""
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "range" and len(expr.args) == 1:
        value = number(expr.args[0].value)
        if value is None:
            origin = model.origin(expr.args[0].value)
            value = number(origin.expr) if origin.expr is not expr.args[0].value else None
        return int(value) if value is not None and value == int(value) else None
    return None


ENDLESS_ITERATORS = frozenset({"itertools.count", "itertools.cycle", "itertools.repeat"})


def _endless(expr: cst.BaseExpression, model: Model) -> bool:
    """`itertools.count()` and the like (`repeat(x)` without a count)."""
    if not isinstance(expr, cst.Call):
        return False
    name = model.qualified(expr.func)
    return name in ENDLESS_ITERATORS and not (name == "itertools.repeat" and len(expr.args) > 1)


def _is_true(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


def _is_break(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and isinstance(statement.body[0], cst.Break)


TIME_FUNCTIONS = ("time.time", "time.monotonic", "time.perf_counter", "datetime.datetime.now", "datetime.datetime.utcnow",
                  "asyncio.get_event_loop", "asyncio.get_running_loop")
DEADLINE_NAMES = re.compile(r"deadline|timeout|until|expir|end_time|time_left|remaining", re.IGNORECASE)


def _mentions_time(expr: cst.CSTNode, model: Model) -> bool:
    """A time check: a clock call, or a name that says it is a deadline (`now < timeout`)."""
    for node in descendants(expr):
        if isinstance(node, cst.Call) and (model.qualified(node.func) or "").startswith(TIME_FUNCTIONS):
            return True
        if isinstance(node, cst.Name) and DEADLINE_NAMES.search(node.value):
            return True
    return False


# -- sleeps right after a container start -----------------------------------------------------------


def container_started_before(statements: list, index: int, owner: cst.CSTNode | None,
                             refs: list[ContainerRef], model: Model) -> ContainerRef | None:  # fmt: skip
    """The container started by the statement before `statements[index]`, or whose `with` block (`owner`)
    this statement is in, with nothing between them but statements that leave the service alone
    (configuration, its address, logging): the sleep is the first thing done with the started container."""
    first = index
    while first > 0 and leaves_service_alone(statements[first - 1], model):
        first -= 1
    if first > 0:
        previous = statements[first - 1]
        for ref in refs:
            if ref.start_kind == "start" and any(node is ref.started_by for node in descendants(previous)):
                return ref
    if first == 0 and isinstance(owner, cst.With):
        return next((ref for ref in refs if ref.with_node is owner), None)
    return None


ADDRESS_METHODS = frozenset({"get_container_host_ip", "get_exposed_port", "get_connection_url", "get_url", "get_wrapped_container"})


def leaves_service_alone(statement: cst.CSTNode, model: Model) -> bool:
    """A statement whose calls only configure a container or read its address, or print and log."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    if not all(isinstance(small, (cst.Expr, cst.Assign, cst.AnnAssign, cst.Pass)) for small in statement.body):
        return False
    for node in descendants(statement):
        if isinstance(node, (cst.Await, cst.Lambda)):
            return False
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Name) and func.value in ("str", "int"):
                continue
            if isinstance(func, cst.Attribute) and (func.attr.value.startswith("with_") or func.attr.value in ADDRESS_METHODS):
                continue
            if not is_logging(node, model):
                return False
    return True


def container_class_method(model: Model) -> str | None:
    """During a visit: `Class.method` when the innermost function is a method of a container class the
    module defines (its `_connect`, `start`...): a sleep there is part of starting the container."""
    function = model.function
    owner = function.in_class if function is not None else None
    if owner is None or owner.node.name.value not in model.local_container_classes:
        return None
    return f"{owner.node.name.value}.{function.name}"


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
