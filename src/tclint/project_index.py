"""The project as a run sees it: the files to lint with the rules that apply to each, and the fixtures
that the conftest.py files above a file lend it.

Built in two phases. Discovery, up front: the files, their rules, and every conftest.py above them.
Then the conftest facts, fed in as the run lints the conftest.py files, shallowest first, before any
other file. A conftest.py that is not linted itself (it is above the paths given) is read through
`read_conftest` when a file below it first needs its fixtures, not before: a one-file run on a file
that needs no parsing parses nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tclint.catalog import RuleInfo
from tclint.discovery import discover
from tclint.facts import FileFacts, ProjectFacts
from tclint.files import digest
from tclint.project import PythonProject, project_root_of, python_project
from tclint.settings import Settings

CONFTEST = "conftest.py"


@dataclass
class SourceFile:
    path: Path
    display: str
    key: str  # absolute path
    rules: tuple[str, ...]
    stat: os.stat_result | None = None
    digest: str = ""  # of the bytes linted
    facts_only: bool = False  # a conftest.py above the linted files, read for its fixtures

    @property
    def is_conftest(self) -> bool:
        return os.path.basename(self.key) == CONFTEST

    @property
    def depth(self) -> int:
        return len(Path(self.key).parts)


def display_path(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path.as_posix()
    return Path(relative).as_posix() if not relative.startswith("..") else Path(os.path.abspath(path)).as_posix()


def display_entry(path: Path) -> str:
    """display_path, with a trailing / for a folder."""
    return display_path(path) + ("/" if path.is_dir() else "")


def rules_for(path: Path, settings: Settings, enabled: tuple[RuleInfo, ...]) -> tuple[str, ...]:
    """The enabled rules, minus those `per-file-ignores` turns off for this path."""
    if not settings.per_file_ignores:
        return tuple(rule.name for rule in enabled)
    import pathspec

    from tclint.settings import selector_matches

    try:
        relative = path.absolute().relative_to(settings.project_root.absolute()).as_posix()
    except ValueError:
        relative = path.as_posix()
    ignored = [
        selector
        for pattern, selectors in settings.per_file_ignores
        if pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(relative)
        for selector in selectors
    ]
    return tuple(rule.name for rule in enabled if not any(selector_matches(s, rule) for s in ignored))


class ProjectIndex:
    def __init__(self, paths: list[str], settings: Settings, force_exclude: bool = False) -> None:
        self.notes: list[tuple[str, str]] = []  # (path, why discovery left it out), for --verbose
        found, path_errors = discover(paths, settings, force_exclude, lambda path, why: self.notes.append((display_entry(path), why)))
        enabled = settings.enabled_rules()
        self.errors = [(error.path, error.message) for error in path_errors]
        self.files = [SourceFile(path, display_path(path), str(path.absolute()), rules_for(path, settings, enabled)) for path in found]
        self.unlinted = {item.key: item for item in _unlinted_conftests(self.files, settings)}
        self.read_conftest: Callable[[SourceFile], None] = lambda item: None  # the run lints it and calls add_facts
        self._loaded: set[str] = set()
        self._conftest_facts: dict[str, FileFacts] = {}
        self._projects: dict[str, tuple[ProjectFacts, str]] = {}  # by folder
        self._container_words: dict[str, re.Pattern[bytes] | None] = {}  # by project digest
        self._settings = settings
        self._roots: dict[str, Path] = {}  # the Python project root of each folder
        self._python: dict[Path, PythonProject] = {}  # by project root, as the run started
        self._fixture_names: dict[str, frozenset[bytes]] = {}  # by conftest.py path, see fixture_names_in

    def batches(self) -> list[list[SourceFile]]:
        """The linted conftest.py files, a batch per depth, shallowest first; then every other file."""
        conftests = [item for item in self.files if item.is_conftest]
        by_depth = [[item for item in conftests if item.depth == depth] for depth in sorted({item.depth for item in conftests})]
        return [*by_depth, [item for item in self.files if not item.is_conftest]]

    def add_facts(self, item: SourceFile, facts: FileFacts) -> None:
        if item.is_conftest:
            self._conftest_facts[item.key] = facts
            self._projects.clear()

    def project_for(self, item: SourceFile) -> tuple[ProjectFacts, str]:
        """The facts of the conftest.py files above the file (its own folder's too, unless it is that
        conftest.py), nearest first, and their digest."""
        start = _start_dir(item)
        self._read_unlinted_above(start)
        known = self._projects.get(start)
        if known is None:
            above = [self._conftest_facts[path] for path in _conftests_above(start) if path in self._conftest_facts]
            project = ProjectFacts(tuple(above), python=self._python_project(start))
            known = self._projects[start] = (project, digest(project.key().encode()))
        return known

    def _python_project(self, folder: str) -> PythonProject:
        """The Python project a folder's files belong to: versions, and where the wait helper goes."""
        settings = self._settings
        root = self._roots.get(folder)
        if root is None:
            root = self._roots[folder] = project_root_of(Path(folder), settings.project_root.absolute())
        if root not in self._python:
            self._python[root] = python_project(root, settings.wait_helper, settings.version_override())
        return self._python[root]

    def container_words(self, item: SourceFile, source: bytes) -> re.Pattern[bytes] | None:
        """The container fixtures of the conftest.py files above the file, as a pattern. None without
        reading them when the file holds no name a fixture of theirs can have."""
        from tclint.worker import container_words

        if not self._may_use_fixtures_above(item, source):
            return None
        project, key = self.project_for(item)
        if key not in self._container_words:
            self._container_words[key] = container_words(project)
        return self._container_words[key]

    def _may_use_fixtures_above(self, item: SourceFile, source: bytes) -> bool:
        from tclint.worker import fixture_names_in

        for path in _conftests_above(_start_dir(item)):
            conftest = self.unlinted.get(path) or (path if path in self._conftest_facts else None)
            if conftest is None:
                continue
            if path not in self._fixture_names:
                try:
                    with open(path, "rb") as file:
                        self._fixture_names[path] = fixture_names_in(file.read())
                except OSError:
                    return True  # its own read reports the error
            if any(name in source for name in self._fixture_names[path]):
                return True
        return False

    def _read_unlinted_above(self, start: str) -> None:
        pending = [self.unlinted[path] for path in _conftests_above(start) if path in self.unlinted and path not in self._loaded]
        for conftest in sorted(pending, key=lambda item: item.depth):
            self._loaded.add(conftest.key)
            self.read_conftest(conftest)


def _start_dir(item: SourceFile) -> str:
    start = os.path.dirname(item.key)
    return os.path.dirname(start) if item.is_conftest else start


def _conftests_above(directory: str) -> list[str]:
    """conftest.py paths from the folder up to the file system's root, nearest first."""
    found = []
    while True:
        found.append(os.path.join(directory, CONFTEST))
        parent = os.path.dirname(directory)
        if parent == directory:
            return found
        directory = parent


def _unlinted_conftests(linted: list[SourceFile], settings: Settings) -> list[SourceFile]:
    """conftest.py files above the linted files, up to the project root, that are not linted themselves."""
    known = {item.key for item in linted}
    root = str(settings.project_root.absolute())
    visited: set[str] = set()
    extra = []
    for item in linted:
        directory = os.path.dirname(item.key)
        while directory not in visited:
            visited.add(directory)
            candidate = os.path.join(directory, CONFTEST)
            if candidate not in known and os.path.isfile(candidate):
                extra.append(SourceFile(Path(candidate), display_path(Path(candidate)), candidate, (), facts_only=True))
            parent = os.path.dirname(directory)
            if directory == root or parent == directory or not directory.startswith(root):
                break
            directory = parent
    return extra
