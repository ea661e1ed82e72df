"""TCL503 testcontainers-in-unit-tests: a container started by a unit test, or one it requests."""

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
        graph = self.model.fixture_graph
        for test in self.model.functions:
            if not test.is_test:
                continue
            for param in test.params:
                signature = graph.container_behind(param)
                if signature is not None and len(signature) == 3 and param not in self.local_fixtures():
                    kind = signature[0].rsplit(".", 1)[-1]
                    self.report(test.node.name, f"Unit test `{test.name}` requests the fixture `{param}`, which starts a `{kind}`: "
                                                "unit tests should not need Docker (move it to the integration tests)")  # fmt: skip
                    break

    def local_fixtures(self) -> set[str]:
        """This module's own fixtures: a container they start is reported where it starts."""
        return {f.fixture.name for f in self.model.module_functions.values() if f.fixture is not None}
