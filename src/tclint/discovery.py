"""Which files a run lints: `.py` files under the given directories, minus excludes and .gitignore.

Virtual environments (any folder with a `pyvenv.cfg`, whatever its name) and `site-packages` folders
are never walked into. Files named on the command line are always linted, unless `force_exclude` (the
pre-commit hooks, which name every staged file) applies the excludes to them too. Directory symlinks
are not followed, so a symlink loop cannot trap the walk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tclint.settings import Settings


@dataclass(frozen=True)
class PathError:
    path: str
    message: str


def _spec(lines):
    import pathspec  # only a directory walk needs it (a run on named files starts without it)

    return pathspec.GitIgnoreSpec.from_lines(lines)


@dataclass(frozen=True)
class _Ignore:
    base: Path
    spec: object  # pathspec.PathSpec

    def matches(self, path: Path, is_dir: bool) -> bool:
        try:
            relative = path.relative_to(self.base).as_posix()
        except ValueError:
            return False
        return self.spec.match_file(relative + "/" if is_dir else relative)


def _gitignore(directory: Path) -> _Ignore | None:
    candidate = directory / ".gitignore"
    try:
        lines = candidate.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _Ignore(directory, _spec(lines))


def _ancestor_gitignores(directory: Path) -> list[_Ignore]:
    """.gitignore files above `directory`, up to the root of its git work tree."""
    found = []
    for parent in directory.parents:
        ignore = _gitignore(parent)
        if ignore:
            found.append(ignore)
        if (parent / ".git").exists():
            return found
    return []  # not in a git work tree: the parents' .gitignore files do not apply


def _ignore_note(path: Path, reason: str) -> None:
    pass


def discover(paths: list[str], settings: Settings, force_exclude: bool = False,
             note: Callable[[Path, str], None] = _ignore_note) -> tuple[list[Path], list[PathError]]:  # fmt: skip
    """The files to lint and the paths that do not exist; `note(path, reason)` hears of every file or
    folder left out, and why (for --show-files and --verbose)."""
    project_root = settings.project_root.resolve()
    exclude_spec = None
    files: list[Path] = []
    errors: list[PathError] = []
    for raw in paths:
        path = Path(raw)
        try:
            path.stat()
        except OSError as error:
            errors.append(PathError(raw, _reason(error)))
            continue
        is_dir = path.is_dir()
        if is_dir or force_exclude:
            exclude_spec = exclude_spec or _spec([*settings.exclude, *settings.extend_exclude])
            absolute = path.resolve()
            # exclude patterns are relative to the project root, or to the walked folder outside it
            base = project_root if absolute.is_relative_to(project_root) else absolute.parent
            excluded = _Ignore(base, exclude_spec)
        if is_dir:
            files.extend(_walk(path, excluded, note))
        elif not (force_exclude and _excluded_file(absolute, excluded)):
            files.append(path)
        else:
            note(path, "excluded (--force-exclude)")
    return _unique(files), errors


def _excluded_file(absolute: Path, excluded: _Ignore) -> bool:
    """Whether an exclude pattern matches the file or a folder between it and the patterns' base, or one of
    those folders is a virtual environment."""
    if excluded.matches(absolute, is_dir=False):
        return True
    for folder in absolute.parents:
        if folder == excluded.base or not folder.is_relative_to(excluded.base):
            return False
        if excluded.matches(folder, is_dir=True) or _is_environment(folder):
            return True
    return False


def _is_environment(folder: Path) -> bool:
    return folder.name == "site-packages" or (folder / "pyvenv.cfg").is_file()


def _reason(error: OSError) -> str:
    return error.strerror.lower() if error.strerror else str(error)


def _walk(root: Path, excluded: _Ignore, note: Callable[[Path, str], None]) -> list[Path]:
    absolute_root = root.resolve()
    ignores = _ancestor_gitignores(absolute_root)
    found: list[Path] = []
    _walk_dir(root, absolute_root, ignores, excluded, (found, note), named=True)
    return found


def _walk_dir(directory: Path, absolute: Path, ignores: list[_Ignore], excluded: _Ignore, out, named: bool = False) -> None:
    """Walk one folder: `out` is (the list of files found, the note on what is left out)."""
    found, note = out
    if not named and absolute.name == "site-packages":
        note(directory, "excluded (site-packages)")
        return
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return
    if not named and any(entry.name == "pyvenv.cfg" and entry.is_file() for entry in entries):
        note(directory, "excluded (a virtual environment)")
        return  # however it is named (a folder named on the command line is walked)
    own = _gitignore(absolute)
    if own:
        ignores = [*ignores, own]
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if not (is_dir or (is_file and entry.name.endswith(".py"))):
            continue
        absolute_entry = absolute / entry.name
        if excluded.matches(absolute_entry, is_dir):
            note(directory / entry.name, "excluded (exclude/extend-exclude)")
            continue
        if any(i.matches(absolute_entry, is_dir) for i in ignores):
            note(directory / entry.name, "ignored (.gitignore)")
            continue
        if is_dir:
            _walk_dir(directory / entry.name, absolute_entry, ignores, excluded, out)
        else:
            found.append(directory / entry.name)


def _unique(files: list[Path]) -> list[Path]:
    seen: set[str] = set()
    unique = []
    for path in files:
        key = os.path.normpath(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique
