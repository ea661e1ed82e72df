"""TCL701 legacy-testcontainers-import: `testcontainers.<module>`, moved to `testcontainers.community`."""

from __future__ import annotations

import libcst as cst

from tclint.diagnostics import SAFE
from tclint.engine.fixes import Fix
from tclint.engine.names import dotted, module_name
from tclint.engine.rule import Rule
from tclint.knowledge import LEGACY_MODULES
from tclint.engine.versions import testcontainers_at_least, unknown_version_note

MOVED_IN = (4, 15)


def legacy_prefix(name: str) -> str | None:
    """The legacy module `name` is in (`testcontainers.postgres` for `testcontainers.postgres.x`)."""
    parts = name.split(".")
    for length in range(len(parts), 1, -1):
        prefix = ".".join(parts[:length])
        if prefix in LEGACY_MODULES:
            return prefix
    return None


def moved(name: str) -> str:
    prefix = legacy_prefix(name)
    return LEGACY_MODULES[prefix] + name[len(prefix) :] if prefix else name


class LegacyTestcontainersImport(Rule):
    name = "legacy-testcontainers-import"

    def __init__(self, context) -> None:
        super().__init__(context)
        self.moved = testcontainers_at_least(context, MOVED_IN)  # None: the project's version is unknown
        self.applies = self.moved is not False
        self.attribute_uses: list[cst.Attribute] = []
        self.plain_imports: list[tuple[cst.Import, cst.ImportAlias]] = []

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not self.applies or node.relative or isinstance(node.names, cst.ImportStar):
            return
        source = module_name(node)
        if legacy_prefix(source):
            self.report_move(node, source, node.with_changes(module=cst.parse_expression(moved(source))))
        elif source == "testcontainers":
            legacy = [alias for alias in node.names if f"testcontainers.{dotted(alias.name)}" in LEGACY_MODULES]
            if legacy:
                fix = None
                if len(legacy) == len(node.names):
                    fix = node.with_changes(module=cst.parse_expression("testcontainers.community"))
                self.report_move(node, f"testcontainers.{dotted(legacy[0].name)}", fix)

    def visit_Import(self, node: cst.Import) -> None:
        if not self.applies:
            return
        for alias in node.names:
            name = dotted(alias.name) or ""
            if legacy_prefix(name):
                self.plain_imports.append((node, alias))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.applies and isinstance(node.value, cst.Name) and node.value.value == "testcontainers":
            if f"testcontainers.{node.attr.value}" in LEGACY_MODULES:
                self.attribute_uses.append(node)

    def finish(self) -> None:
        """`import testcontainers.x` also needs every `testcontainers.x...` use rewritten."""
        for node, alias in self.plain_imports:
            name = dotted(alias.name) or ""
            new_alias = alias.with_changes(name=cst.parse_expression(moved(name)))
            names = [new_alias if item is alias else item for item in node.names]
            replacements: list = [(node, node.with_changes(names=names))]
            if alias.asname is None:
                uses = [use for use in self.attribute_uses if f"testcontainers.{use.attr.value}" == legacy_prefix(name)]
                replacements += [(use, cst.parse_expression(moved(f"testcontainers.{use.attr.value}"))) for use in uses]
            self.report(alias, self.message(name), Fix(self.title(name), SAFE, replacements))

    def report_move(self, node: cst.CSTNode, source: str, replacement: cst.CSTNode | None) -> None:
        fix = Fix(self.title(source), SAFE, [(node, replacement)]) if replacement is not None else None
        self.report(node, self.message(source), fix)

    def report(self, node, message, fix=None) -> None:
        """Without a known version, the new path may not exist: reported, never rewritten."""
        if self.moved is None:
            super().report(node, message + unknown_version_note(self.context), None)
        else:
            super().report(node, message, fix)

    @staticmethod
    def message(name: str) -> str:
        prefix = legacy_prefix(name)
        return f"`{prefix}` moved to `{LEGACY_MODULES[prefix]}` in testcontainers 4.15: the old path warns"

    @staticmethod
    def title(name: str) -> str:
        return f"Import from `{moved(legacy_prefix(name))}`"
