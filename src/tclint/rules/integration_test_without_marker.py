"""TCL502 integration-test-without-marker: a test that uses a container but not the integration mark."""

from __future__ import annotations

import libcst as cst

from tclint.diagnostics import SAFE, UNSAFE
from tclint.engine.fixes import Fix, ImportRequest
from tclint.engine.markers import marks_of, module_marks
from tclint.engine.rule import Rule


class IntegrationTestWithoutMarker(Rule):
    name = "integration-test-without-marker"

    def finish(self) -> None:
        marker = self.options["marker"]
        if marker in module_marks(self.model):
            return
        graph = self.model.fixture_graph
        for test in self.model.functions:
            if not test.is_test or marker in marks_of(test, self.model):
                continue
            fixture = next((p for p in test.params if graph.container_behind(p)), None)
            if fixture is None and not self.model.containers_started_by(test):
                continue
            uses = f"the container fixture `{fixture}`" if fixture else "a container"
            self.report(test.node.name, f"Test `{test.name}` uses {uses} but is not marked `@pytest.mark.{marker}`",
                        self.mark(test.node, marker))  # fmt: skip

    def mark(self, node: cst.FunctionDef, marker: str) -> Fix:
        spellings = self.model.resolver.local_names_for("pytest.mark")
        prefix, imports = (spellings[0], ()) if spellings else ("pytest.mark", (ImportRequest("pytest"),))
        decorator = cst.Decorator(decorator=cst.parse_expression(f"{prefix}.{marker}"))
        replacements = [(node, node.with_changes(decorators=[decorator, *node.decorators]))]
        if marker in self.registered_marks():
            return Fix(f"Add `@pytest.mark.{marker}`", SAFE, replacements, imports=imports)
        # pytest warns on a mark it does not know, and fails collection under --strict-markers
        return Fix(f"Add `@pytest.mark.{marker}`, which the pytest configuration does not register", UNSAFE,
                   replacements, imports=imports)  # fmt: skip

    def registered_marks(self) -> set[str]:
        """The marks registered for this file: by the pytest configuration of its own project, and by the
        `pytest_configure` hooks of the conftest.py files (and their plugins) above it."""
        python = self.context.project.python
        marks = set(python.marks if python is not None else self.model.collection.marks)
        for conftest in self.context.project.conftests:
            marks.update(conftest.marks)
        return marks
