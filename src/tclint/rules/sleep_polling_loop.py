"""TCL302 sleep-polling-loop: a loop that polls a condition with a sleep between tries."""

from __future__ import annotations

import libcst as cst

from tclint.diagnostics import UNSAFE
from tclint.engine import build, waiting
from tclint.engine.fixes import Fix
from tclint.engine.model import FunctionInfo, descendants, source_of
from tclint.engine.rule import Rule
from tclint.engine.wait_helper import access, is_helper_module


def probed_expression(statement: cst.CSTNode) -> cst.CSTNode:
    """What the first statement of the probe does: `response = requests.put(...)` -> `requests.put(...)`."""
    if isinstance(statement, cst.SimpleStatementLine):
        small = statement.body[0]
        return small.value if isinstance(small, (cst.Assign, cst.Expr)) else small
    return statement


class SleepPollingLoop(Rule):
    name = "sleep-polling-loop"

    def __init__(self, context) -> None:
        super().__init__(context)
        self.applies = waiting.is_test_code(self.model) and not is_helper_module(context)
        self.pending: list[tuple] = []

    def visit_For(self, node: cst.For) -> None:
        self.check(node)

    def visit_While(self, node: cst.While) -> None:
        self.check(node)

    def check(self, node: cst.For | cst.While) -> None:
        function = self.model.function
        if not self.applies or (function is not None and function.name in waiting.HELPER_NAMES):
            return
        loop = waiting.polling_loop(node, self.model)
        if loop is None or loop.sleep.seconds == 0 or loop.hand_written_wait:
            return
        polls = waiting.only_checks(node, self.model)
        if waiting.in_stand_in(self.model, polls):
            return
        interval = loop.sleep.amount()
        scopes = list(self.model.scopes)
        if not loop.bounded:
            message = f"Unbounded polling loop sleeps {interval} between tries: with no attempt limit or deadline it hangs when the condition never holds"
            self.pending.append((scopes, node, polls, message, self.fix(loop, function) if loop.condition is not None else None))
            return
        message = f"Polling loop sleeps {interval} between tries: it wastes up to that much after the condition holds"
        self.pending.append((scopes, node, polls, message, self.fix(loop, function)))

    def finish(self) -> None:
        """Reported once the module is known: a function handed to a mock later in the file sleeps on
        purpose, and so does one run on a thread unless its loop only tries a check until it holds."""
        for scopes, node, polls, message, fix in self.pending:
            if not any(waiting.is_stand_in(scope, self.model, polls) for scope in scopes):
                self.report(node, message, fix)

    def fix(self, loop: waiting.PollingLoop, function: FunctionInfo | None) -> Fix | None:
        timeout = loop.timeout_ms
        if timeout is None or function is None or not self.block_holds(loop.loop):
            return None
        awaited = function.is_async
        if self.helper(awaited) is None:
            return None
        if loop.kind == "check":
            if loop.condition is None or (waiting.has_await(loop.condition) and not awaited):
                return None
            condition = loop.condition
            statements = waiting.wait_statements(condition, waiting.description(condition), self.helper(awaited).name,
                                                 timeout, awaited, function)  # fmt: skip
        else:
            statements = self.probe_statements(loop, function, awaited, timeout)
            if statements is None:
                return None
        statements = self.keep_else(loop.loop, statements)
        if statements is None:
            return None
        statements[0] = statements[0].with_changes(leading_lines=loop.loop.leading_lines)
        helper = self.helper(awaited)
        return Fix("Wait for the condition with `wait_for_condition`", UNSAFE,
                   [(loop.loop, cst.FlattenSentinel(statements))], imports=helper.imports, new_files=helper.new_files)  # fmt: skip

    def helper(self, awaited: bool):
        return access(self.context, awaited)

    def block_holds(self, loop: cst.CSTNode) -> bool:
        """The loop is a statement of a block (so it can be replaced by several statements)."""
        return isinstance(self.context.walker.parent(), cst.IndentedBlock)

    def probe_statements(self, loop: waiting.PollingLoop, function: FunctionInfo, awaited: bool, timeout: int):
        """`try: probe; break / except E: sleep` -> a condition function: True on success, False on E."""
        assigned = {n.target.value for s in loop.probe for n in descendants(s) if isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Name)}
        if assigned & self.used_after(loop.loop, function):
            return None  # the probe's result is used after the loop: it cannot move into a function
        if any(waiting.has_await(s) for s in loop.probe) and not awaited:
            return None
        name = waiting.free_name(function.node, "probe_succeeds")
        indent = self.context.module.default_indent
        keyword = "async def" if awaited and any(waiting.has_await(s) for s in loop.probe) else "def"
        template = cst.parse_statement(
            f"{keyword} {name}():\n{indent}try:\n{indent}{indent}pass\n{indent}except Exception:\n{indent}{indent}return False\n{indent}return True\n"
        )
        attempt = template.body.body[0]
        handler = attempt.handlers[0].with_changes(type=loop.errors)
        attempt = attempt.with_changes(body=attempt.body.with_changes(body=[s.with_changes(leading_lines=[]) for s in loop.probe]),
                                       handlers=[handler])  # fmt: skip
        definition = template.with_changes(body=template.body.with_changes(body=[attempt, template.body.body[1]]))
        text = build.string(" ".join(source_of(probed_expression(loop.probe[0])).split()) + " to succeed")
        call = waiting.helper_call(self.helper(awaited).name, cst.Name(name), text, timeout, awaited)
        return [definition, cst.SimpleStatementLine(body=[cst.Expr(call)])]

    @staticmethod
    def used_after(loop: cst.CSTNode, function: FunctionInfo) -> set[str]:
        body = function.body
        try:
            index = next(i for i, s in enumerate(body) if s is loop or any(n is loop for n in descendants(s)))
        except StopIteration:
            return set()
        return {n.value for s in body[index + 1 :] for n in descendants(s) if isinstance(n, cst.Name)}

    @staticmethod
    def keep_else(loop: cst.CSTNode, statements: list):
        """A `for ... else: ...; raise X(...)` becomes `except TimeoutError as error: ...; raise X(...)
        from error`."""
        orelse = getattr(loop, "orelse", None)
        if orelse is None:
            return statements
        body = list(orelse.body.body)
        last = body[-1] if body else None
        if not isinstance(last, cst.SimpleStatementLine) or len(last.body) != 1 or not isinstance(last.body[0], cst.Raise):
            return None
        raise_ = last.body[0]
        if raise_.exc is None or raise_.cause is not None:
            return None
        body[-1] = last.with_changes(body=[raise_.with_changes(cause=cst.From(item=cst.Name("error")))])
        wait = statements[-1]
        template = cst.parse_statement("try:\n    pass\nexcept TimeoutError as error:\n    pass\n")
        handler = template.handlers[0].with_changes(body=template.handlers[0].body.with_changes(body=body))
        wrapped = template.with_changes(body=template.body.with_changes(body=[wait]), handlers=[handler])
        return [*statements[:-1], wrapped]
