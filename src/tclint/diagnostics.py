"""What a run reports: plain, picklable data shared by the engine, the cache and the reporters."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

SAFE = "safe"
UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace the text between two (row, column) positions, both 1-based, end exclusive."""

    content: str
    location: tuple[int, int]
    end_location: tuple[int, int]


@dataclass(frozen=True)
class FixInfo:
    applicability: str
    message: str
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    column: int  # 1-based
    end_line: int
    end_column: int
    code: str
    name: str
    message: str
    fix: FixInfo | None = None

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code)

    def fixable(self, unsafe: bool) -> bool:
        return self.fix is not None and (self.fix.applicability == SAFE or unsafe)


@dataclass
class FileReport:
    """One file's outcome. `source` is the content the diagnostics refer to (fixed, under --fix)."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str | None = None
    original: bytes | None = None
    source: bytes | None = None
    fixed: int = 0
    facts: object = None  # FileFacts of the final source
    suppressions: list = field(default_factory=list)
    new_files: dict = field(default_factory=dict)  # path from the project root -> content, asked by fixes
    shared: dict = field(default_factory=dict)  # signature -> SharedFixture: session fixtures the fixes created
    conftest_fixtures: list = field(default_factory=list)  # ConftestFixture: what the fixes put in a conftest.py

    @property
    def changed(self) -> bool:
        return self.source is not None and self.original is not None and self.source != self.original


def edits_between(old: str, new: str) -> tuple[Edit, ...]:
    """The smallest line-range edits that turn `old` into `new`."""
    import difflib

    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(Edit("".join(new_lines[j1:j2]), (i1 + 1, 1), (i2 + 1, 1)))
    return tuple(edits)


def with_edits(diagnostic: Diagnostic, edits: tuple[Edit, ...]) -> Diagnostic:
    assert diagnostic.fix is not None
    return replace(diagnostic, fix=replace(diagnostic.fix, edits=edits))
