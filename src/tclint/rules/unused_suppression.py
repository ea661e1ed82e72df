"""TCL001 unused-suppression: suppression comments that silence nothing.

Not a walk rule: it runs once every other rule (the cross-file ones included) has reported, on the
suppression comments of each file, and its fix is a text edit of those comments.
"""

from __future__ import annotations

from tclint.catalog import find_rule
from tclint.diagnostics import SAFE, Diagnostic, FixInfo
from tclint.engine.rule import Described
from tclint.suppressions import Suppression, rewritten_directive


class UnusedSuppression(Described):
    name = "unused-suppression"

    @classmethod
    def check(cls, path: str, suppressions: list[Suppression], enabled: set[str]) -> list[tuple[Diagnostic, Suppression, set[str]]]:
        """(diagnostic, suppression, unused selectors) for every directive with a selector that silenced
        nothing. Selectors of rules that are off are left alone: they may be on in another run."""
        info = cls.info()
        found = []
        for suppression in suppressions:
            unused = cls.unused_selectors(suppression, enabled)
            if not unused:
                continue
            names = ", ".join(f"`{selector}`" for selector in sorted(unused)) if suppression.selectors else "every rule"
            unknown = [s for s in unused if s and find_rule(s) is None]
            message = f"Unused suppression of {names}"
            if unknown:
                message = f"Suppression of unknown rule {', '.join(f'`{s}`' for s in sorted(unknown))}"
            diagnostic = Diagnostic(
                path=path, line=suppression.line, column=suppression.start + 1, end_line=suppression.line,
                end_column=suppression.end + 1, code=info.code, name=info.name, message=message,
                fix=FixInfo(SAFE, "Remove the unused suppression"),
            )
            found.append((diagnostic, suppression, unused))
        return found

    @staticmethod
    def unused_selectors(suppression: Suppression, enabled: set[str]) -> set[str]:
        if not suppression.selectors:
            return set() if suppression.used else {""}
        unused = set()
        for selector in suppression.selectors:
            if selector in suppression.used:
                continue
            rule = find_rule(selector)
            if rule is None or rule.name in enabled:
                unused.add(selector)
        return unused

    @staticmethod
    def new_text(suppression: Suppression, unused: set[str]) -> str:
        return "" if unused == {""} else rewritten_directive(suppression, unused)
