"""The base of every rule, and what a rule sees of the file being linted.

Imports no libcst (only for type checking): the project-wide and suppression rules run in the main
process on plain data, and a warm run that needs no parsing never loads libcst.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from tclint.catalog import FILE, RuleInfo, find_rule

if TYPE_CHECKING:
    import libcst as cst

    from tclint.engine.fixes import Fix
    from tclint.engine.model import Model
    from tclint.engine.walk import Walker
    from tclint.facts import ProjectFacts
    from tclint.settings import Settings


@dataclass(eq=False)
class Report:
    rule: str
    node: cst.CSTNode
    message: str
    fix: Fix | None


@dataclass(eq=False)
class FileContext:
    path: str
    module: cst.Module
    model: Model
    walker: Walker
    settings: Settings
    project: ProjectFacts
    placements: dict = field(default_factory=dict)  # container signature -> Placement (tclint.engine.fixes)
    options: dict[str, dict[str, object]] = field(default_factory=dict)
    reports: list[Report] = field(default_factory=list)

    def folders(self) -> list[str]:
        """The folders from the file's project root down to the file, whatever folder tclint runs from
        (the path as given when the project is not known)."""
        python = self.project.python if self.project is not None else None
        path = os.path.relpath(os.path.abspath(self.path), python.root) if python is not None else self.path
        return path.replace("\\", "/").split("/")[:-1]


class Described:
    """A rule's identity: its name and its kind (`catalog.RULE_KINDS`), which its doc declares as well
    (a test checks that they agree), and through its name the rest of its doc's metadata."""

    name: ClassVar[str]
    kind: ClassVar[str] = FILE

    @classmethod
    def info(cls) -> RuleInfo:
        found = find_rule(cls.name)
        assert found is not None, f"rule {cls.name} has no doc in rules/"
        return found


class Rule(Described):
    """A rule: `visit_<Node>`/`leave_<Node>` hooks on the shared walk, `finish()` at the end of it.

    Which files can hold something for the rule to find is declared in its doc's front matter
    (`hints`), so that files are skipped before libcst is even imported.
    """

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.model = context.model
        self.options = context.options.get(self.name, {})

    def finish(self) -> None:
        """Called once the whole module has been walked."""

    def report(self, node: cst.CSTNode, message: str, fix: Fix | None = None) -> None:
        self.context.reports.append(Report(self.name, node, message, fix))
