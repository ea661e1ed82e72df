"""TCL303 sleep-after-container-start: a sleep right after a container starts, guessing readiness."""

from __future__ import annotations

import libcst as cst

from tclint.diagnostics import SAFE
from tclint.engine import waiting
from tclint.engine.fixes import Fix
from tclint.engine.model import ContainerRef, Scope
from tclint.engine.rule import Rule


class SleepAfterContainerStart(Rule):
    name = "sleep-after-container-start"

    # on leaving, when the model knows every container the block constructs
    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.check_block(list(node.body), self.context.walker.parent())

    def leave_Module(self, node: cst.Module) -> None:
        self.check_block(list(node.body), None)

    def check_block(self, statements: list, owner: cst.CSTNode | None) -> None:
        scope: Scope = self.model.scope
        for index, statement in enumerate(statements):
            sleep = waiting.sleep_statement(statement, self.model)
            if sleep is None or sleep.seconds == 0:
                continue
            if waiting.in_polling_loop(self.context.walker.parents, self.model):
                continue  # sleep-polling-loop's
            ref = waiting.container_started_before(statements, index, owner, scope.containers, self.model)
            if ref is not None:
                self.report_sleep(sleep, statement, ref, alone=len(statements) == 1)
            elif (method := waiting.container_class_method(self.model)) is not None:
                self.report(sleep.call, f"Sleep of {sleep.amount()} in `{method}`, part of starting the container, guesses when "
                                        "it is ready: wait for what it needs (a log line, an HTTP status, a port) with a wait strategy")  # fmt: skip

    def report_sleep(self, sleep: waiting.Sleep, statement: cst.CSTNode, ref: ContainerRef, alone: bool) -> None:
        kind = ref.cls.qualname.rsplit(".", 1)[-1]
        amount = sleep.amount()
        if ref.cls.waits_until_ready:
            message = f"Sleep of {amount} after starting a `{kind}`, whose `start()` already waits until it is ready"
            removed = cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=statement.leading_lines) if alone else cst.RemoveFromParent()
            self.report(sleep.call, message, Fix("Remove the sleep", SAFE, [(statement, removed)]))
            return
        message = (
            f"Sleep of {amount} after starting a `{kind}` guesses when it is ready: set a wait strategy before "
            "`start()` (`container.waiting_for(LogMessageWaitStrategy(...))`, `HttpWaitStrategy` or "
            "`PortWaitStrategy` from `testcontainers.core.wait_strategies`)"
        )
        self.report(sleep.call, message)
