"""TCL301 sleep-in-test: a fixed sleep in test code, guessing how long something takes."""

from __future__ import annotations

import libcst as cst

from tclint.diagnostics import UNSAFE
from tclint.engine import waiting
from tclint.engine.fixes import Fix
from tclint.engine.model import FunctionInfo
from tclint.engine.rule import Rule
from tclint.engine.wait_helper import access, is_helper_module

MIN_TIMEOUT_MS = 5000


class SleepInTest(Rule):
    name = "sleep-in-test"

    def __init__(self, context) -> None:
        super().__init__(context)
        self.applies = waiting.is_test_code(self.model) and not is_helper_module(context)
        self.pending: list[tuple] = []
        self.work: set[int] = set()  # ids of the functions the test hands over as work (a task's body)
        self.handed: list[tuple] = []  # (names passed to something that takes work, the scope they are read in)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.applies and node.decorators and waiting.registered_by_decorator(node, self.model):
            self.work.add(id(node))

    def visit_Call(self, node: cst.Call) -> None:
        if not self.applies:
            return
        handed = waiting.functions_handed_over(node, self.model) if node.args else []
        if handed:
            self.handed.append((handed, self.model.current_scope))
        function = self.model.function
        if function is None or function.name in waiting.HELPER_NAMES:
            return
        sleep = waiting.sleep_of(node, self.model)
        if sleep is None or sleep.seconds == 0 or waiting.in_stand_in(self.model):
            return
        if waiting.in_polling_loop(self.context.walker.parents, self.model):
            return  # sleep-polling-loop's
        if waiting.measured(node, function.body, self.model) or waiting.container_class_method(self.model) is not None:
            return  # time the test measures; part of starting a container (sleep-after-container-start's)
        statement, block = self.statement_and_block(node)
        if statement is not None and self.after_container_start(statement, block, function):
            return  # sleep-after-container-start's
        self.pending.append((list(self.model.scopes), node, self.message(sleep, function), self.fix(sleep, statement, block, function)))

    def finish(self) -> None:
        """Reported once the module is known: a function handed to a mock or a thread later in the file
        (`side_effect=slow_response`) sleeps on purpose, and so does the body of a task the test gives the
        code under test to run (`worker.task()(job)`, `queue.enqueue(job)`): it stands in for slow work."""
        for names, scope in self.handed:
            for name in names:
                self.work.update(id(b.node) for b in self.model.bindings(name, scope) if b.kind == "def")
        for scopes, node, message, fix in self.pending:
            if not any(waiting.is_stand_in(scope, self.model) or self.is_work(scope) for scope in scopes):
                self.report(node, message, fix)

    def is_work(self, scope) -> bool:
        return id(scope.node) in self.work and getattr(scope, "fixture", None) is None and not getattr(scope, "is_test", False)

    def statement_and_block(self, call: cst.Call):
        """The statement the sleep call is, and the block holding it (None when it is part of more)."""
        parents = self.context.walker.parents
        for index in range(len(parents) - 1, 0, -1):
            if isinstance(parents[index], cst.SimpleStatementLine):
                statement, block = parents[index], parents[index - 1]
                is_whole = waiting.sleep_statement(statement, self.model) is not None
                return (statement, block) if is_whole and isinstance(block, cst.IndentedBlock) else (None, None)
        return None, None

    def after_container_start(self, statement, block, function: FunctionInfo) -> bool:
        statements = list(block.body)
        index = next(i for i, s in enumerate(statements) if s is statement)
        owner = self.context.walker.parent_of(block)
        return waiting.container_started_before(statements, index, owner, function.containers, self.model) is not None

    @staticmethod
    def message(sleep: waiting.Sleep, function: FunctionInfo) -> str:
        amount = sleep.amount()
        where = "fixture" if function.fixture else ("test" if function.is_test else "function")
        return f"`{sleep.function}` waits {amount} in {where} `{function.name}`: poll for the condition it waits for instead"

    def fix(self, sleep: waiting.Sleep, statement, block, function: FunctionInfo) -> Fix | None:
        """`sleep(S)` then `assert EXPR` -> wait for EXPR (timeout max(5 s, 2 S)), then the assert."""
        if statement is None or sleep.fixed_seconds is None:
            return None
        statements = list(block.body)
        index = next(i for i, s in enumerate(statements) if s is statement)
        following = statements[index + 1] if index + 1 < len(statements) else None
        if not (isinstance(following, cst.SimpleStatementLine) and len(following.body) == 1 and isinstance(following.body[0], cst.Assert)):
            return None
        expr = following.body[0].test
        awaited = function.is_async
        if waiting.has_await(expr) and not awaited:
            return None
        helper = access(self.context, awaited)
        if helper is None:
            return None
        timeout = max(MIN_TIMEOUT_MS, int(round(2 * sleep.seconds * 1000)))
        replacement = waiting.wait_statements(expr, waiting.description(expr), helper.name, timeout, awaited, function)
        replacement[0] = replacement[0].with_changes(leading_lines=statement.leading_lines)
        return Fix(f"Wait for `{waiting.source_of(expr)}` instead of sleeping", UNSAFE,
                   [(statement, cst.FlattenSentinel(replacement))], imports=helper.imports, new_files=helper.new_files)  # fmt: skip
