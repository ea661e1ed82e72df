"""The trials of `tclint verify`: which fixes hold, decided on scratch copies of the project (each trial a
fresh temporary folder, `.git` included), and the write-back of those that held."""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import os
import re
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tclint.diagnostics import Diagnostic
from tclint.files import FileError, digest, write_atomically
from tclint.project_index import display_path
from tclint.runner import RunOptions, run
from tclint.settings import DEFAULT_EXCLUDE, Settings, with_cli_overrides
from tclint.verify.docker_engine import DockerEngine
from tclint.verify.pytest_runs import PytestRunner, TestRun, VerifyError

COPY_IGNORED = (*DEFAULT_EXCLUDE, "*.pyc")  # .git is copied on its own: these patterns apply inside it too
KEPT, REJECTED, UNVERIFIED = "kept", "rejected", "unverified"

Group = tuple[str, str]  # (path from the project root, rule name): the fixes that are kept or rejected together
# a fix that moves a container shared by several modules into the conftest.py they share: those modules'
# fixes are one change, tried as one unit (apart, each module would keep a container of its own)
PLACED = re.compile(r"^(?:Created|Extended) \S+ with the session fixture `(\w+)` that \d+ modules share$")


@dataclass
class FixOutcome:
    diagnostic: Diagnostic
    status: str  # KEPT, REJECTED or UNVERIFIED (no test that passed before can tell)
    failing_tests: list[str] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return self.status == KEPT


TEST_DEFINITION = re.compile(r"^[ \t]*(?:(?:async[ \t]+)?def[ \t]+test|class[ \t]+Test)", re.MULTILINE)


@dataclass
class VerifyReport:
    root: Path
    fixes: list[FixOutcome]
    before: TestRun | None  # None: no fix to verify, so no run
    after: TestRun | None  # None: no fix held, so no run after
    written: list[str]
    remaining: list[Diagnostic]
    dry_run: bool

    @property
    def unverified(self) -> list[FixOutcome]:
        return [outcome for outcome in self.fixes if outcome.status == UNVERIFIED]


@dataclass(frozen=True)
class VerifyOptions:
    python: str
    reruns: int = 0
    timeout: float = 15 * 60
    dry_run: bool = False


class Verifier:
    def __init__(self, paths: list[str], settings: Settings, options: VerifyOptions) -> None:
        self.root = settings.project_root.resolve()
        self.paths = [self._from_root(path) for path in paths]
        self.settings = settings
        self.options = options

    def _from_root(self, path: str) -> str:
        resolved = Path(path).resolve()
        if not resolved.is_relative_to(self.root):
            raise VerifyError(f"{path}: outside the project ({self.root}), which is what verify copies")
        return resolved.relative_to(self.root).as_posix()

    def verify(self) -> VerifyReport:
        deadline = time.monotonic() + self.options.timeout
        self.tests = PytestRunner(self.options.python, self.options.timeout, deadline, DockerEngine.answering())
        with tempfile.TemporaryDirectory(prefix="tclint-verify-") as scratch:
            self.scratch = Path(scratch).resolve()
            return self._verify()

    def _verify(self) -> VerifyReport:
        baseline = self.copy_of(self.root)
        found = self.lint(baseline)
        candidates = [d for d in found if d.fix is not None]
        if not candidates:
            return self.report([], None, None, [], found)
        groups = self.united(baseline, _by_file_and_rule(candidates))
        before = self.tests.run(baseline, self.test_targets(groups))
        verifiable = {key: fixes for key, fixes in groups.items() if self.affected(key, before.passed)}
        failing: dict[Group, list[str]] = {}
        kept, after, changes = self.settle(baseline, verifiable, before.passed, failing)
        fixes = [FixOutcome(d, _status(key, kept, verifiable), failing.get(key, []))
                 for d in sorted(candidates, key=Diagnostic.sort_key) for key in [self.unit_of.get((d.path, d.name), (d.path, d.name))]]  # fmt: skip
        written = [] if self.options.dry_run else self.write_back(baseline, changes)
        remaining = [d for d in found if d.fix is None] + [outcome.diagnostic for outcome in fixes if not outcome.kept]
        return self.report(fixes, before, after, written, remaining)

    def settle(self, baseline: Path, groups: dict, passed: set[str], failing: dict) -> tuple[dict, TestRun | None, dict]:
        """The groups that hold together, the run after them, and what they write (path -> content)."""
        if not groups:
            return {}, None, {}
        with self.trial(baseline, groups) as (project, changes):
            after = self.tests.run(project, self.test_targets(groups))
            if not self.broken(passed, after, project, self.test_targets(groups)):
                return groups, after, changes
        kept = self.narrow(baseline, groups, passed, failing)
        if not kept:
            return {}, None, {}
        with self.trial(baseline, kept) as (project, changes):
            targets = self.test_targets(kept)
            after = self.tests.run(project, targets)
            if not self.broken(passed, after, project, targets):
                return kept, after, changes
        newly_failing = sorted(_newly_failing(_under(passed, targets), after))
        failing.update({key: newly_failing for key in kept})  # each held alone, not together: keep none
        return {}, None, {}

    def narrow(self, baseline: Path, groups: dict, passed: set[str], failing: dict) -> dict:
        """Each file's fixes alone; a failing file's fixes rule by rule."""
        kept = {}
        by_file: dict[str, dict] = defaultdict(dict)
        for key, diagnostics in groups.items():
            by_file[key[0]][key] = diagnostics
        for path, file_groups in sorted(by_file.items()):
            targets = self.test_targets(file_groups)
            with self.trial(baseline, file_groups) as (project, _):
                if not self.broken(passed, self.tests.run(project, targets), project, targets):
                    kept.update(file_groups)
                    continue
            for key, diagnostics in file_groups.items():
                with self.trial(baseline, {key: diagnostics}) as (project, _):
                    result = self.tests.run(project, targets)
                    if self.broken(passed, result, project, targets):
                        failing[key] = sorted(_newly_failing(_under(passed, targets), result))
                    else:
                        kept[key] = diagnostics
        return kept

    def broken(self, passed: set[str], result: TestRun, project: Path, targets: list[str]) -> bool:
        """Whether a test of these targets that passed before fails now, after `--reruns` more chances."""
        comparable = _under(passed, targets)
        failing = _newly_failing(comparable, result)
        for _ in range(self.options.reruns):
            if not failing:
                break
            rerun = self.tests.run(project, targets)
            result.outcomes.update({test: True for test in rerun.passed})
            failing = _newly_failing(comparable, result)
        return bool(failing)

    def united(self, baseline: Path, groups: dict[Group, list[Diagnostic]]) -> dict[Group, list[Diagnostic]]:
        """The groups, with the modules whose container fix `--fix` moves into a shared conftest.py merged
        into one group (under its first file), as `--fix` writes them together: kept or rejected together.
        Found by fixing every file at once in a scratch copy: the groups whose fix hands out a placed
        fixture, in modules that then use it without defining it."""
        self.unit_of: dict[Group, Group] = {}
        self.unit_paths: dict[Group, list[str]] = {}
        paths = sorted({path for path, _ in groups})
        if len(paths) < 2:
            return groups
        project = self.copy_of(baseline)
        try:
            settings = with_cli_overrides(self.scoped(project), select=tuple(sorted({rule for _, rule in groups})))
            result = run([str(project / path) for path in paths], settings, RunOptions(fix=True, unsafe=True, cache=False))
            placed = {match.group(1) for line in result.placed if (match := PLACED.match(line))}
            members = [key for key, diagnostics in sorted(groups.items())
                       if any(f"`{name}`" in d.fix.message for d in diagnostics for name in placed)
                       and _uses_without_defining((project / key[0]).read_text(encoding="utf-8", errors="replace"), placed)]  # fmt: skip
        finally:
            shutil.rmtree(project.parent, ignore_errors=True)
        if len(members) < 2 or len({key[1] for key in members}) != 1:
            return groups
        merged = dict(groups)
        unit = members[0]
        self.unit_paths[unit] = [path for path, _ in members]
        for member in members:
            self.unit_of[member] = unit
            if member != unit:
                merged[unit] = merged[unit] + merged.pop(member)
        return merged

    def paths_of(self, key: Group) -> list[str]:
        return self.unit_paths.get(key, [key[0]])

    def affected(self, key: Group, tests: set[str]) -> set[str]:
        """The tests among `tests` that the group's fixes can change."""
        return _under(tests, [target for path in self.paths_of(key) for target in self.targets_of(path)])

    def test_targets(self, groups: dict) -> list[str]:
        return sorted({target for key in groups for path in self.paths_of(key) for target in self.targets_of(path)})

    def targets_of(self, path: str) -> list[str]:
        """What pytest runs for a fixed file: a conftest.py's folder, any other module by its path (pytest
        collects a module named on its command line even when `python_files` would not); a module that
        defines no test (a fixtures or helpers module the tests import) by the folder of the package it belongs
        to: the modules there that define tests, each by its path (a folder and a module inside it, both on
        the command line, would collect the module only if `python_files` names it)."""
        if os.path.basename(path) == "conftest.py":
            return [os.path.dirname(path) or "."]
        if self._defines_tests(path):
            return [path]
        folder = self._package_folder(path)
        return sorted(found for found in self._modules_under(folder) if self._is_test_module(found))

    def _is_test_module(self, path: str) -> bool:
        """Named as pytest collects by default, or defining tests (a `python_files` pattern of its own)."""
        name = os.path.basename(path)
        if name == "conftest.py":
            return False
        return name.startswith("test_") or name.endswith("_test.py") or self._defines_tests(path)

    def _defines_tests(self, path: str) -> bool:
        return bool(TEST_DEFINITION.search((self.root / path).read_text(encoding="utf-8", errors="replace")))

    def _modules_under(self, folder: str) -> Iterator[str]:
        for directory, subfolders, files in os.walk(self.root / folder):
            subfolders[:] = [name for name in subfolders if not _ignored(name)]
            for name in files:
                if name.endswith(".py"):
                    yield (Path(directory) / name).relative_to(self.root).as_posix()

    def _package_folder(self, path: str) -> str:
        """The outermost folder of the package the module is in (its own folder outside a package)."""
        folder = os.path.dirname(path)
        while self._is_package(folder) and self._is_package(os.path.dirname(folder)):
            folder = os.path.dirname(folder)
        return folder or "."

    def _is_package(self, folder: str) -> bool:
        return bool(folder) and (self.root / folder / "__init__.py").is_file()

    # -- copies, lint and fixes -----------------------------------------------------------------------

    def copy_of(self, source: Path) -> Path:
        """A fresh folder with the project in it, `.git` included (suites and setuptools_scm find the
        project root through it)."""
        target = Path(tempfile.mkdtemp(prefix="copy-", dir=self.scratch)) / source.name
        shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(*COPY_IGNORED))
        git = source / ".git"
        if git.is_dir() and not git.is_symlink():
            shutil.copytree(git, target / ".git", symlinks=True)
        elif git.exists() or git.is_symlink():  # a worktree's or submodule's `gitdir:` file
            shutil.copy2(git, target / ".git", follow_symlinks=False)
        return target

    @contextlib.contextmanager
    def trial(self, baseline: Path, groups: dict) -> Iterator[tuple[Path, dict[str, bytes]]]:
        """A fresh copy of the baseline with the given groups' fixes applied, and what the fixes wrote
        (path from the project root -> content); the copy is removed afterwards."""
        project = self.copy_of(baseline)
        rules_by_file: dict[str, set[str]] = defaultdict(set)
        runs: list[tuple[list[str], tuple[str, ...]]] = []
        for key in groups:
            if key in self.unit_paths:  # one run over the unit's files, as `--fix` places the shared fixture
                runs.append((self.unit_paths[key], (key[1],)))
            else:
                rules_by_file[key[0]].add(key[1])
        runs += [([path], tuple(sorted(rules))) for path, rules in sorted(rules_by_file.items())]
        written: set[str] = set()
        try:
            for paths, rules in runs:
                settings = with_cli_overrides(self.scoped(project), select=rules)
                result = run([str(project / path) for path in paths], settings, RunOptions(fix=True, unsafe=True, cache=False))
                written.update(_from(project, shown) for shown in [*result.sources, *result.created])
            yield project, {path: (project / path).read_bytes() for path in sorted(written)}
        finally:
            shutil.rmtree(project.parent, ignore_errors=True)

    def scoped(self, project: Path) -> Settings:
        return dataclasses.replace(self.settings, project_root=project)

    def lint(self, project: Path) -> list[Diagnostic]:
        """Every diagnostic in the copy, with paths from its root."""
        result = run([str(project / path) for path in self.paths], self.scoped(project), RunOptions(unsafe=True, cache=False))
        if result.errors:
            raise FileError("; ".join(f"{_from(project, path)}: {message}" for path, message in result.errors))
        return [dataclasses.replace(d, path=_from(project, d.path)) for d in result.diagnostics]

    def write_back(self, baseline: Path, changes: dict[str, bytes]) -> list[str]:
        """The fixes that held, into the project: only where its file is still what was copied."""
        written = []
        for relative, content in changes.items():
            target, before = self.root / relative, baseline / relative
            if before.is_file():
                write_atomically(target, content, digest(before.read_bytes()))
            elif not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            else:
                continue
            written.append(relative)
        return written

    def report(self, fixes, before, after, written, remaining) -> VerifyReport:
        """The report, with paths as the user's other commands show them (from the current folder)."""

        def shown(d: Diagnostic) -> Diagnostic:
            return dataclasses.replace(d, path=display_path(self.root / d.path))

        fixes = [dataclasses.replace(outcome, diagnostic=shown(outcome.diagnostic)) for outcome in fixes]
        remaining = sorted((shown(d) for d in remaining), key=Diagnostic.sort_key)
        written = [display_path(self.root / path) for path in written]
        return VerifyReport(self.root, fixes, before, after, written, remaining, self.options.dry_run)


def _uses_without_defining(source: str, fixtures: set[str]) -> bool:
    return any(re.search(rf"\b{name}\b", source) and not re.search(rf"^\s*def {name}\(", source, re.MULTILINE) for name in fixtures)


def _status(key: Group, kept: dict, verifiable: dict) -> str:
    if key in kept:
        return KEPT
    return REJECTED if key in verifiable else UNVERIFIED


def _by_file_and_rule(diagnostics: list[Diagnostic]) -> dict[Group, list[Diagnostic]]:
    groups: dict[Group, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        groups[(diagnostic.path, diagnostic.name)].append(diagnostic)
    return dict(groups)


def _under(tests: set[str], targets: list[str]) -> set[str]:
    """The tests whose module is one of the targets or inside one of them."""

    def inside(test: str) -> bool:
        module = test.split("::", 1)[0]
        return any(target == "." or module == target or module.startswith(target + "/") for target in targets)

    return {test for test in tests if inside(test)}


def _ignored(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in COPY_IGNORED)


def _newly_failing(comparable: set[str], result: TestRun) -> set[str]:
    return {test for test in comparable if not result.outcomes.get(test, False)}


def _from(project: Path, shown: str) -> str:
    """A path as the runner shows it (from the current folder, or absolute) -> from the project root."""
    return Path(os.path.abspath(shown)).relative_to(project).as_posix()
