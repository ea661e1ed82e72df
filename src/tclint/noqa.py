"""`--add-noqa`: a `# noqa: TCLxxx` on every line with a finding, so that a suite adopts tclint today and
fixes later (as ruff's `--add-noqa`). An existing `# noqa: ...` on the line gets the codes merged in;
any other comment stays and the directive follows it. A line that ends inside a multi-line string or
in a backslash continuation cannot take a comment: its findings are counted as left, never written.
"""

from __future__ import annotations

import io
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tclint.catalog import SUPPRESSIONS, load_catalog
from tclint.diagnostics import Diagnostic
from tclint.files import FileError, decode, digest, read_source, write_atomically
from tclint.suppressions import NOQA, NOQA_CODE


@dataclass
class NoqaResult:
    added: int = 0  # lines that got a new directive or new codes
    left: list[Diagnostic] = field(default_factory=list)  # findings on lines that cannot take a comment
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line message)


def add_noqa(diagnostics: list[Diagnostic]) -> NoqaResult:
    result = NoqaResult()
    by_file: dict[str, dict[int, list[Diagnostic]]] = defaultdict(lambda: defaultdict(list))
    # the findings of a rule on suppressions (an unused one) are fixed (--fix removes it), never silenced
    not_suppressed = {rule.code for rule in load_catalog() if rule.kind == SUPPRESSIONS}
    for diagnostic in diagnostics:
        if diagnostic.code not in not_suppressed:
            by_file[diagnostic.path][diagnostic.line].append(diagnostic)
    for path, by_line in by_file.items():
        try:
            _add_to_file(Path(path), by_line, result)
        except FileError as error:
            result.errors.append((path, str(error)))
    return result


def _add_to_file(path: Path, by_line: dict[int, list[Diagnostic]], result: NoqaResult) -> None:
    source = read_source(path)
    text, encoding = decode(source)
    comments, closed = _comments_and_unplaceable_lines(text)
    lines = text.splitlines(keepends=True)
    added = 0
    for number, found in sorted(by_line.items()):
        body = lines[number - 1].rstrip("\r\n") if number <= len(lines) else None
        if body is None or number in closed or (number not in comments and body.rstrip().endswith("\\")):
            result.left.extend(found)
            continue
        codes = sorted({d.code for d in found})
        new_body = with_codes(body, comments.get(number), codes)
        if new_body != body:
            lines[number - 1] = new_body + lines[number - 1][len(body):]
            added += 1
    if added:
        write_atomically(path, "".join(lines).encode(encoding), digest(source))
        result.added += added


def with_codes(body: str, comment: tuple[int, str] | None, codes: list[str]) -> str:
    """The line with `codes` in its `# noqa`: merged into an existing one, or appended after the code
    and any comment."""
    if comment is not None:
        column, string = comment
        match = NOQA.search(string)
        if match:
            existing = NOQA_CODE.findall(match.group("codes"))
            missing = [code for code in codes if code not in {item.upper() for item in existing}]
            if not missing:
                return body
            merged = f"# noqa: {', '.join([*existing, *missing])}"
            string = string[: match.start()] + merged + string[match.end() :]
            return body[:column] + string + body[column + len(comment[1]) :]
    return f"{body.rstrip()}  # noqa: {', '.join(codes)}"


def _comments_and_unplaceable_lines(text: str) -> tuple[dict[int, tuple[int, str]], set[int]]:
    """The comment of each line (column, text), and the lines that end inside a string token."""
    comments: dict[int, tuple[int, str]] = {}
    closed: set[int] = set()
    open_fstrings: list[int] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        kind = tokenize.tok_name[token.type]
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = (token.start[1], token.string)
        elif kind == "FSTRING_START":  # Python 3.12+: an f-string is several tokens
            open_fstrings.append(token.start[0])
        elif kind == "FSTRING_END":
            closed.update(range(open_fstrings.pop(), token.start[0]))
        elif token.type == tokenize.STRING and token.end[0] > token.start[0]:
            closed.update(range(token.start[0], token.end[0]))
    return comments, closed
