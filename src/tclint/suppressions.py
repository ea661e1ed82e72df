"""Suppression comments: `# noqa: TCL101`, `# tclint: ignore[...]` and `# tclint: ignore-file[...]`.

Comments are found with `tokenize`, so a `# noqa` inside a string never counts, and only in files
whose text mentions one at all. A bare `# noqa` does not silence tclint (it is too easy to leave behind
for another tool); a bare `# tclint: ignore` silences every tclint rule on its line.

A trailing directive covers its own line. A directive on its own line covers the next statement: its
logical line, and for a decorator, the decorators below it and the `def`/`class` header they decorate.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

_MAY_HOLD = re.compile(rb"noqa\s*:[^\n]*TCL|tclint:", re.IGNORECASE)
_MAY_HOLD_TEXT = re.compile(_MAY_HOLD.pattern.decode(), re.IGNORECASE)


def may_hold_suppression(source: bytes) -> bool:
    """Cheap: substring tests first, the case-insensitive regex only when they hit."""
    return (b"TCL" in source or b"tcl" in source) and _MAY_HOLD.search(source) is not None
NOQA = re.compile(r"#\s*noqa\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
NOQA_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
IGNORE = re.compile(r"#\s*tclint:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<selectors>[^\]]*)\])?")
WHOLE_FILE = 10**9


@dataclass
class Suppression:
    kind: str  # "noqa", "ignore" or "ignore-file"
    line: int
    start: int  # span of the directive within its line, 0-based
    end: int
    selectors: tuple[str, ...]  # () silences every rule
    first_line: int
    last_line: int
    own_line: bool
    foreign_codes: tuple[str, ...] = ()  # other tools' codes sharing a `# noqa`
    used: set[str] = field(default_factory=set)
    project: bool = False  # it may silence a project-wide rule: the file's report keeps its suppressions
    waits: bool = False  # whether it is used is known only once the project-wide rules have reported

    def covers(self, line: int) -> bool:
        return self.first_line <= line <= self.last_line

    def silences(self, code: str, name: str) -> str | None:
        """The selector that silences this rule here, if any ("" for a bare directive)."""
        if not self.selectors:
            return ""
        for selector in self.selectors:
            if selector.upper() == code or selector == name:
                return selector
        return None


def parse_suppressions(text: str) -> list[Suppression]:
    if ("TCL" not in text and "tcl" not in text) or not _MAY_HOLD_TEXT.search(text):
        return []
    import tokenize

    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    statements = _logical_lines(tokens)
    found: list[Suppression] = []
    for token in tokens:
        if token.type == tokenize.COMMENT:
            found.extend(_directives(token, statements))
    return found


def _logical_lines(tokens: list) -> list[tuple[int, int, bool]]:
    """(first line, last line, starts with a decorator) of every logical line."""
    import tokenize

    skipped = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
    lines = []
    start = None
    for token in tokens:
        if start is None:
            if token.type in skipped or token.type == tokenize.ENDMARKER:
                continue
            start = token
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            lines.append((start.start[0], token.start[0], start.string == "@"))
            start = None
    return lines


def _statement_after(line: int, statements: list[tuple[int, int, bool]]) -> tuple[int, int]:
    following = [item for item in statements if item[0] > line]
    if not following:
        return line, line
    first, last, decorated = following[0]
    for next_first, next_last, next_decorated in following[1:]:
        if not decorated:
            break
        last, decorated = next_last, next_decorated
    return first, last


def _directives(token, statements) -> list[Suppression]:
    line, column = token.start
    own_line = not token.line[:column].strip()
    comment = token.string
    found = []
    noqa = NOQA.search(comment)
    if noqa:
        codes = tuple(NOQA_CODE.findall(noqa.group("codes")))
        ours = tuple(code.upper() for code in codes if code.upper().startswith("TCL"))
        if ours:
            found.append(
                Suppression(
                    "noqa", line, column + noqa.start(), column + noqa.end(), ours, line, line, own_line,
                    foreign_codes=tuple(code for code in codes if not code.upper().startswith("TCL")),
                )
            )
    for match in IGNORE.finditer(comment):
        selectors = tuple(part.strip() for part in (match.group("selectors") or "").split(",") if part.strip())
        kind = match.group("kind")
        if kind == "ignore-file":
            first, last = 1, WHOLE_FILE
        elif own_line:
            first, last = _statement_after(line, statements)
        else:
            first, last = line, line
        found.append(Suppression(kind, line, column + match.start(), column + match.end(), selectors, first, last, own_line))
    return found


def silenced(diagnostic, suppressions: list[Suppression]) -> bool:
    """Whether a suppression covers the diagnostic; marks the selector that did as used."""
    for suppression in suppressions:
        if suppression.covers(diagnostic.line):
            selector = suppression.silences(diagnostic.code, diagnostic.name)
            if selector is not None:
                suppression.used.add(selector)
                return True
    return False


def may_silence(suppression: Suppression, rules) -> bool:
    """Whether the suppression can silence one of these rules (RuleInfo) somewhere."""
    return any(suppression.silences(rule.code, rule.name) is not None for rule in rules)


def rewritten_directive(suppression: Suppression, unused: set[str]) -> str:
    """The directive's text once its unused selectors are gone ("" when nothing is left)."""
    kept = [selector for selector in suppression.selectors if selector not in unused]
    if suppression.kind == "noqa":
        codes = kept + list(suppression.foreign_codes)
        return f"# noqa: {', '.join(codes)}" if codes else ""
    if not kept:
        return ""
    return f"# tclint: {suppression.kind}[{', '.join(kept)}]"
