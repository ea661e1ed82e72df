"""TCL001 unused-suppression: suppression comments that silence nothing.

A suppression rule: it runs once every other rule has reported, on the suppression comments of each
file. Its fix rewrites the comment in the syntax tree, like any other fix; a comment left empty goes,
and a line left empty goes with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tclint.catalog import SUPPRESSIONS, find_rule
from tclint.diagnostics import SAFE, Diagnostic, FixInfo
from tclint.engine.rule import Described
from tclint.suppressions import Suppression, rewritten_directive

if TYPE_CHECKING:
    import libcst as cst

    from tclint.engine.fixes import Fix

FIX_TITLE = "Remove the unused suppression"


class UnusedSuppression(Described):
    name = "unused-suppression"
    kind = SUPPRESSIONS

    @classmethod
    def check(cls, path: str, suppressions: list[Suppression], enabled: set[str],
              module: cst.Module | None = None) -> list[tuple[Diagnostic, Fix | None]]:  # fmt: skip
        """A diagnostic for every directive with a selector that silenced nothing, with its fix when the
        module is given. Selectors of rules that are off are left alone: they may be on in another run."""
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
                fix=FixInfo(SAFE, FIX_TITLE),
            )
            found.append((diagnostic, suppression, unused))
        if module is None or not found:
            return [(diagnostic, None) for diagnostic, _, _ in found]
        comments = _comments_by_start(module)
        return [(diagnostic, _fix(comments, suppression, unused)) for diagnostic, suppression, unused in found]

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


def _comments_by_start(module: cst.Module) -> dict[tuple[int, int], tuple[cst.CSTNode, cst.Comment]]:
    """(line, 0-based column) of every comment -> (the node that holds it, the comment)."""
    import libcst as cst

    from tclint.engine.positions import node_positions

    holders = []
    pending: list[cst.CSTNode] = [module]
    while pending:
        node = pending.pop()
        if isinstance(node, (cst.EmptyLine, cst.TrailingWhitespace)) and node.comment is not None:
            holders.append(node)
        pending.extend(node.children)
    positions = node_positions(module, [holder.comment for holder in holders])
    return {(positions[h.comment].start.line, positions[h.comment].start.column): (h, h.comment) for h in holders}


def _fix(comments, suppression: Suppression, unused: set[str]) -> Fix | None:
    """The directive's span in its comment replaced by what is left of it, as `suppressions.py` finds
    it: trailing words of the comment stay, an emptied comment goes, an emptied own line goes."""
    import libcst as cst

    from tclint.engine.fixes import Fix

    columns = [column for line, column in comments if line == suppression.line and column <= suppression.start]
    if not columns:
        return None
    column = max(columns)
    holder, comment = comments[(suppression.line, column)]
    value = comment.value
    before, after = value[: suppression.start - column], value[suppression.end - column :]
    new_text = "" if unused == {""} else rewritten_directive(suppression, unused)
    rest = after.strip()
    if new_text:
        replacement: object = comment.with_changes(value=before + new_text + after)
        return Fix(FIX_TITLE, SAFE, [(comment, replacement)])
    if rest and not rest.startswith("#"):
        rest = "# " + rest  # the words after the directive were part of its comment
    if before.strip():
        kept = before.rstrip() + ("  " + rest if rest else "")
        return Fix(FIX_TITLE, SAFE, [(comment, comment.with_changes(value=kept))])
    if rest:
        if isinstance(holder, cst.TrailingWhitespace):
            replacement = holder.with_changes(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(rest))
        else:
            replacement = holder.with_changes(comment=cst.Comment(rest))
    elif isinstance(holder, cst.TrailingWhitespace):
        replacement = holder.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
    else:
        replacement = cst.RemoveFromParent()
    return Fix(FIX_TITLE, SAFE, [(holder, replacement)])
