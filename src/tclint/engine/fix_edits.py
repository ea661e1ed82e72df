"""Each fix's text edits (JSON, SARIF, the editor server), without rewriting the module per fix.

The edits are what the fix does on its own: `edits_between(module.code, apply_fixes(module, [fix]).code)`.
Done literally, every diagnostic costs a visit of the whole tree, two generations of the whole module's
code and a diff of the whole text (quadratic in its repeated lines): minutes on a large file with many
findings. Here the module's code is generated once, statement by statement; a fix's replacements are
made in the top-level statements they fall in only; the rest of `apply_fixes` (statements after the
imports, imports moved, added or dropped) runs on a module that shares every untouched statement, with
the names each statement uses counted once; only new statements' code is generated; and the diff covers
the changed lines, with the edits the whole text's diff gives (`local_edits`). Shapes this does not
cover take the literal way. tests/test_fix_edits.py compares every fix of the docs and corpora with the
literal computation, so a change to `apply_fixes` that this does not follow fails there.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import Counter
from functools import cache

import libcst as cst

from tclint.diagnostics import Edit, edits_between
from tclint.engine import fixes
from tclint.engine.fixes import Fix, apply_fixes


class FixEdits:
    """The edits of any fix on one module; the module-wide work is done once, on the first fix."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._texts: list[str] | None = None  # the code of each top-level statement
        self._lines_before: list[int] = []  # lines above each top-level statement
        self._statement_of: dict[int, int] = {}  # id(node) -> index of the top-level statement holding it
        self._header: list[str] = []
        self._footer: list[str] = []
        self._lines: list[str] | None = None  # the module's lines
        self._longest_repeat: int | None = None  # of the module's lines, see longest_repeated_run
        self._uses_of: list[set[str]] = []  # the names each top-level statement uses
        self._uses: Counter = Counter()  # how many top-level statements use each name

    def edits(self, fix: Fix) -> tuple[Edit, ...]:
        if self._texts is None:
            self._index()
        after = self._after(fix)
        if after is None or not self._pieces_make_the_code(after):  # the literal computation
            return edits_between(self.module.code, apply_fixes(self.module, [fix]).code)
        return self._changed_lines(after)

    def _index(self) -> None:
        module = self.module
        self._texts = [module.code_for_node(statement) for statement in module.body]
        self._header = [module.code_for_node(line) for line in module.header]
        self._footer = [module.code_for_node(line) for line in module.footer]
        # lines as `str.splitlines` counts them (as edits_between does): a form feed ends one too
        lines = sum(len(text.splitlines()) for text in self._header)
        for index, (statement, text) in enumerate(zip(module.body, self._texts)):
            self._lines_before.append(lines)
            lines += len(text.splitlines())
            for node in _all_nodes(statement):
                self._statement_of[id(node)] = index
            self._uses_of.append(_uses_in(statement))
            self._uses.update(self._uses_of[-1])
        self._lines_before.append(lines)  # below the last statement

    def _after(self, fix: Fix) -> cst.Module | None:
        """`apply_fixes(module, [fix])`, sharing every top-level statement the fix leaves alone; None when
        the fix replaces something outside the statements (a comment in the header)."""
        module = self.module
        by_statement: dict[int, dict[int, object]] = {}
        for original, replacement in fix.replacements:
            index = self._statement_of.get(id(original))
            if index is None:
                return None
            by_statement.setdefault(index, {})[id(original)] = replacement
        body: list[cst.BaseStatement] = []
        for index, statement in enumerate(module.body):
            if index not in by_statement:
                body.append(statement)
                continue
            replaced = statement.visit(fixes._Replace(by_statement[index]))
            if isinstance(replaced, cst.FlattenSentinel):
                body.extend(replaced.nodes)
            elif not isinstance(replaced, cst.RemovalSentinel):
                body.append(replaced)
        return self._module_wide(fix, module.with_changes(body=body))

    def _module_wide(self, fix: Fix, module: cst.Module) -> cst.Module:
        """What `apply_fixes` does once the replacements are made (engine/fixes.py; tests/test_fix_edits.py
        compares the two), with the names the module uses counted statement by statement."""
        unique = {module.code_for_node(statement): statement for statement in fix.after_imports}
        if unique:
            module = fixes._insert_after_imports(module, list(unique.values()))
        renamed = {id(new) for _, new in fix.replacements if isinstance(new, (cst.Import, cst.ImportFrom))}
        if renamed:
            module = fixes._reposition_imports(module, renamed)
        requests = list(dict.fromkeys(fix.imports))
        if requests:
            module = fixes.add_imports(module, requests)
        if not fix.replacements:
            return module
        used_after = self._uses_after(module)
        left = {name for name in fixes._imported_names(module) if self._uses[name] and not used_after[name]}
        return fixes.drop_unused_imports(module, left)

    def _uses_after(self, module: cst.Module) -> Counter:
        """How many top-level statements of `module` use each name (as `fixes._name_uses` finds them)."""
        counts = Counter(self._uses)
        kept = {id(statement) for statement in module.body}
        for original, uses in zip(self.module.body, self._uses_of):
            if id(original) not in kept:
                counts.subtract(uses)
        originals = {id(statement) for statement in self.module.body}
        for statement in module.body:
            if id(statement) not in originals:
                counts.update(_uses_in(statement))
        return counts

    def _pieces_make_the_code(self, after: cst.Module) -> bool:
        """Whether the module's code is its header's, its statements' and its footer's, one after another
        (the code generation adds or drops a final newline otherwise)."""
        original = self.module
        return (
            bool(after.body) and original.has_trailing_newline and after.has_trailing_newline
            and after.header is original.header and after.footer is original.footer
        )  # fmt: skip

    def _changed_lines(self, after: cst.Module) -> tuple[Edit, ...]:
        """`edits_between(module.code, after.code)`, from the statements between the first and the last
        the fix changed when that gives the same edits (see `local_edits`)."""
        assert self._texts is not None
        old, new = self.module.body, after.body
        shorter = min(len(old), len(new))
        same_before = 0
        while same_before < shorter and old[same_before] is new[same_before]:
            same_before += 1
        same_after = 0
        while same_after < shorter - same_before and old[-1 - same_after] is new[-1 - same_after]:
            same_after += 1
        lines = self._before_lines()
        start, end = self._lines_before[same_before], self._lines_before[len(old) - same_after]
        replaced = "".join(self._code(statement) for statement in new[same_before : len(new) - same_after])
        after_lines = _Spliced(lines, start, end, replaced.splitlines(keepends=True))
        edits = local_edits(lines, after_lines, self._repeat(), start, len(lines) - end)
        if edits is None:
            return edits_between(self._before(), "".join(after_lines[index] for index in range(len(after_lines))))
        return edits

    def _before(self) -> str:
        assert self._texts is not None
        return "".join([*self._header, *self._texts, *self._footer])

    def _before_lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self._before().splitlines(keepends=True)
        return self._lines

    def _repeat(self) -> int:
        if self._longest_repeat is None:
            self._longest_repeat = longest_repeated_run(self._before_lines())
        return self._longest_repeat

    def _code(self, statement: cst.BaseStatement) -> str:
        assert self._texts is not None
        index = self._statement_of.get(id(statement))
        if index is not None and self.module.body[index] is statement:
            return self._texts[index]
        return self.module.code_for_node(statement)


def middle_edits(old: list[str], new: list[str], prefix: int) -> tuple[Edit, ...]:
    """`edits_between` on the lines that follow `prefix` equal lines."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(Edit("".join(new[j1:j2]), (prefix + i1 + 1, 1), (prefix + i2 + 1, 1)))
    return tuple(edits)


class _Spliced:
    """The lines of `lines` with those from `start` to `end` replaced by `new`, without copying them."""

    def __init__(self, lines: list[str], start: int, end: int, new: list[str]) -> None:
        self.lines, self.start, self.end, self.new = lines, start, end, new
        self.shift = len(new) - (end - start)

    def __len__(self) -> int:
        return len(self.lines) + self.shift

    def __getitem__(self, index: int) -> str:
        if index < self.start:
            return self.lines[index]
        if index < self.start + len(self.new):
            return self.new[index - self.start]
        return self.lines[index - self.shift]


def local_edits(a: list[str], b, repeat: int, same_start: int = 0, same_end: int = 0) -> tuple[Edit, ...] | None:
    """`edits_between` the lines `a` and `b` (anything indexable), from a diff of the lines between
    the equal ones at both ends; None when that might not be the whole texts' diff. `repeat`: the longest
    run of lines found twice in `a` (or more); `same_start`/`same_end`: lines known equal at the ends.

    difflib takes the longest matching run first (the earliest of equal ones), then the longest on each
    side of it, and so on. Any matching run other than the equal lines at the start (the prefix) and at
    the end (the suffix) splits, where it crosses the edges of the prefix, the middle or the suffix on
    either side, into at most five pieces: each one a run found twice in `a` or within the middle lines.
    When those are shorter than the longer of prefix and suffix, that one is matched first; when they
    are shorter than the other one too (clipped to what the first leaves), it is matched next, and only
    the middle lines are left to diff."""
    size_a, size_b = len(a), len(b)
    shorter = min(size_a, size_b)
    prefix = same_start
    while prefix < shorter and a[prefix] == b[prefix]:
        prefix += 1
    suffix = same_end
    while suffix < shorter and a[size_a - 1 - suffix] == b[size_b - 1 - suffix]:
        suffix += 1
    if prefix >= suffix:
        suffix = min(suffix, shorter - prefix)
    else:
        prefix = min(prefix, shorter - suffix)
    old = a[prefix : size_a - suffix]
    new = [b[index] for index in range(prefix, size_b - suffix)]
    other = 5 * max(repeat, len(old), len(new))
    if other >= max(prefix, suffix):
        return None
    if prefix >= suffix:
        if suffix and other >= suffix:
            end = a[size_a - suffix :]
            return middle_edits(old + end, new + end, prefix)
        return middle_edits(old, new, prefix)
    if prefix and other >= prefix:
        start = a[:prefix]
        return middle_edits(start + old, start + new, 0)
    return middle_edits(old, new, prefix)


def longest_repeated_run(lines: list[str]) -> int:
    """The length of the longest run of lines found at two places (overlapping allowed), or more when
    two runs' hashes collide (which only makes the caller fall back to the whole diff)."""
    ids: dict[str, int] = {}
    numbers = [ids.setdefault(line, len(ids)) for line in lines]
    low, high = 0, max(0, len(numbers) - 1)
    while low < high:
        length = (low + high + 1) // 2
        if _repeats(numbers, length):
            low = length
        else:
            high = length - 1
    return low


def _repeats(numbers: list[int], length: int) -> bool:
    """Whether some run of `length` numbers occurs twice (by a rolling hash of each run)."""
    modulus, base = (1 << 61) - 1, 1_000_003
    power = pow(base, length, modulus)
    value = 0
    seen = set()
    for index, number in enumerate(numbers):
        value = (value * base + number + 1) % modulus
        if index >= length:
            value = (value - (numbers[index - length] + 1) * power) % modulus
        if index >= length - 1:
            if value in seen:
                return True
            seen.add(value)
    return False


def _uses_in(statement: cst.BaseStatement) -> set[str]:
    return fixes._name_uses(cst.Module(body=[statement]))


def _all_nodes(node: cst.CSTNode):
    """The node and every node below it, whitespace and comments included (fixes replace those too)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for name in _node_fields(type(current)):
            value = getattr(current, name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, (tuple, list)):
                stack.extend(item for item in value if isinstance(item, cst.CSTNode))


@cache
def _node_fields(node_type: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(node_type))
