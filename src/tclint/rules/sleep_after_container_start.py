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
            ref = waiting.container_started_before(statements, index, owner, scope.containers)
            if ref is not None:
                self.report_sleep(sleep, statement, ref, alone=len(statements) == 1)

    def report_sleep(self, sleep: waiting.Sleep, statement: cst.CSTNode, ref: ContainerRef, alone: bool) -> None:
        kind = ref.cls.qualname.rsplit(".", 1)[-1]
        amount = f"{sleep.seconds:g} s" if sleep.seconds is not None else "a fixed time"
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
