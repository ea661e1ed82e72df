"""TCL503 testcontainers-in-unit-tests: a container started by a unit test."""

from __future__ import annotations

from tclint.engine.rule import Rule


class TestcontainersInUnitTests(Rule):
    name = "testcontainers-in-unit-tests"

    def finish(self) -> None:
        folders = set(self.options["unit-folders"])
        parts = self.context.path.replace("\\", "/").split("/")[:-1]
        if not folders & set(parts):
            return
        for scope in (self.model.module_scope, *self.model.functions):
            for ref in scope.started_containers():
                self.report(ref.started_by, f"A unit test starts a `{ref.cls.short_name}`: unit tests should not need Docker (move it to the integration tests)")
