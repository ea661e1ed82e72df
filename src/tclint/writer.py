"""What --fix decided, put on disk: a fixed file replaced atomically and only while it is still what was
read, the files fixes ask for (the wait helper) created once and never over an existing file; under
--diff, the diffs of both instead."""

from __future__ import annotations

from pathlib import Path

from tclint.diagnostics import FileReport
from tclint.files import FileError, create_new, decode, write_atomically
from tclint.project_index import SourceFile, display_path


class Writer:
    def __init__(self, project_root: Path, diff: bool) -> None:
        self.project_root = project_root
        self.diff = diff
        self.diffs: list[str] = []
        self.sources: dict[str, bytes] = {}  # display path -> content written
        self.created: list[str] = []
        self.errors: list[tuple[str, str]] = []
        self._asked: set[str] = set()
        self.created_conftests: set[str] = set()  # absolute paths of the conftest.py files fixes created

    def write(self, item: SourceFile, report: FileReport) -> bool:
        """Write (or show) the fixed file and the files its fixes ask for; False, with the file's error
        recorded, when it cannot be written."""
        assert report.source is not None and report.original is not None
        if self.diff:
            self.diffs.append(unified_diff(item.display, report.original, report.source))
        else:
            try:
                write_atomically(item.path, report.source, item.digest)
            except FileError as error:
                self.errors.append((item.display, str(error)))
                return False
            self.sources[item.display] = report.source
        self._create_files(report.new_files)
        return True

    def extend(self, item: SourceFile, original: bytes | None, content: bytes) -> bool:
        """Write (or show) a conftest.py a fix extends (`original`: what was read) or creates (None);
        False, with the error recorded, when it cannot be written."""
        if original is None:
            self.created_conftests.add(item.key)
        if self.diff:
            self.diffs.append(unified_diff(item.display, original or b"", content, new_file=original is None))
            return True
        try:
            if original is None:
                item.path.parent.mkdir(parents=True, exist_ok=True)
                create_new(item.path, content)
            else:
                write_atomically(item.path, content, item.digest)
        except (OSError, FileError) as error:
            self.errors.append((item.display, f"cannot create: {error}" if original is None else str(error)))
            return False
        self.sources[item.display] = content
        return True

    def _create_files(self, files: dict[str, str]) -> None:
        for relative, content in files.items():
            target = self.project_root / relative
            if relative in self._asked or target.exists():
                continue
            self._asked.add(relative)
            shown = display_path(target)
            if self.diff:
                self.diffs.append(unified_diff(shown, b"", content.encode(), new_file=True))
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                create_new(target, content.encode())
                self.created.append(shown)
            except (OSError, FileError) as error:
                self.errors.append((shown, f"cannot create: {error}"))


def unified_diff(path: str, old: bytes, new: bytes, new_file: bool = False) -> str:
    import difflib

    old_text, _ = decode(old)
    new_text, _ = decode(new)
    lines = difflib.unified_diff(
        old_text.splitlines(keepends=True), new_text.splitlines(keepends=True),
        fromfile="/dev/null" if new_file else f"a/{path}", tofile=f"b/{path}",
    )  # fmt: skip
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
