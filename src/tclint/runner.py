"""One run over many files: discovery, cache, prefilter, parallel lint, cross-file pass, writes.

conftest.py files go first, shallowest first, because the files below them lint against the fixtures
they define. Everything else streams through a process pool when there is enough of it. Results are
written as they arrive, except for files whose suppression comments can only be settled once every
file has been seen.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tclint import worker
from tclint.cache import Cache
from tclint.catalog import PROJECT, SUPPRESSIONS, RuleInfo, rule_type
from tclint.diagnostics import Diagnostic, FileReport
from tclint.discovery import discover
from tclint.facts import FileFacts, ProjectFacts
from tclint.files import FileError, create_new, decode, digest, read_source, write_atomically
from tclint.settings import Settings
from tclint.suppressions import silenced

POOL_THRESHOLD = 8  # files to parse before a process pool pays for itself
IN_FLIGHT_PER_WORKER = 4


@dataclass(frozen=True)
class RunOptions:
    fix: bool = False
    unsafe: bool = False
    diff: bool = False  # compute the fixes, print them, write nothing
    want_edits: bool = False
    cache: bool = True
    jobs: int | None = None
    force_exclude: bool = False  # the excludes apply to files named on the command line too


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line message)
    fixed: int = 0
    diffs: list[str] = field(default_factory=list)
    files: int = 0
    sources: dict[str, bytes] = field(default_factory=dict)  # final content of fixed files, for reporters
    created: list[str] = field(default_factory=list)  # files fixes created (the wait helper)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (path, what became of it), for --verbose


@dataclass
class _File:
    path: Path
    display: str
    key: str  # absolute path
    rules: tuple[str, ...]
    stat: os.stat_result | None = None
    digest: str = ""
    facts_only: bool = False


def display_path(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path.as_posix()
    return Path(relative).as_posix() if not relative.startswith("..") else str(path.absolute().as_posix())


def display_entry(path: Path) -> str:
    """display_path, with a trailing / for a folder."""
    return display_path(path) + ("/" if path.is_dir() else "")


def run(paths: list[str], settings: Settings, options: RunOptions, progress: Callable[[int, int], None] | None = None) -> RunResult:
    notes: list[tuple[str, str]] = []
    found, path_errors = discover(paths, settings, options.force_exclude, lambda path, why: notes.append((display_entry(path), why)))
    result = RunResult(errors=[(error.path, error.message) for error in path_errors], notes=notes)
    enabled = settings.enabled_rules()
    linted = [_File(path, display_path(path), str(path.absolute()), rules_for(path, settings, enabled)) for path in found]
    result.files = len(linted)
    extra = _unlinted_conftests(linted, settings)
    engine = _Engine(settings, options, enabled, result, progress, total=len(linted))
    try:
        engine.lint_all(linted, extra)
    finally:
        engine.close()
    result.diagnostics.sort(key=Diagnostic.sort_key)
    result.errors.sort()
    return result


def rules_for(path: Path, settings: Settings, enabled: tuple[RuleInfo, ...]) -> tuple[str, ...]:
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


def _unlinted_conftests(linted: list[_File], settings: Settings) -> list[_File]:
    """conftest.py files above the linted files that are not linted themselves: read for their fixtures."""
    known = {item.key for item in linted}
    root = str(settings.project_root.absolute())
    visited: set[str] = set()
    extra = []
    for item in linted:
        directory = os.path.dirname(item.key)
        while directory not in visited:
            visited.add(directory)
            candidate = os.path.join(directory, "conftest.py")
            if candidate not in known and os.path.isfile(candidate):
                extra.append(_File(Path(candidate), display_path(Path(candidate)), candidate, (), facts_only=True))
            parent = os.path.dirname(directory)
            if directory == root or parent == directory or not directory.startswith(root):
                break
            directory = parent
    return extra


def _depth(item: _File) -> int:
    return len(Path(item.key).parts)


class _Engine:
    def __init__(self, settings, options, enabled, result, progress, total) -> None:
        self.settings = settings
        self.options = options
        self.result = result
        self.progress = progress
        self.total = total
        self.done = 0
        self.prefilter = worker.Prefilter(enabled, settings)
        self.container_words: dict[str, re.Pattern[bytes] | None] = {}  # by project digest
        self.cache = Cache(settings.project_root, settings.fingerprint()) if options.cache else None
        self.pool = None
        self.conftest_facts: dict[str, FileFacts] = {}
        self.projects: dict[str, tuple[ProjectFacts, str]] = {}
        self.unlinted: dict[str, _File] = {}  # conftest.py files above the linted ones, read only when needed
        self.loaded: set[str] = set()
        self.created: set[str] = set()
        self.deferred: dict[str, tuple[_File, FileReport]] = {}  # files whose suppressions wait for the end
        self.facts: dict[str, tuple[_File, FileFacts]] = {}
        self.project_rules = {rule.name: rule for rule in enabled if rule.kind == PROJECT}
        self.suppression_rules = [rule for rule in enabled if rule.kind == SUPPRESSIONS]
        worker.init(settings)

    # -- ordering ---------------------------------------------------------------------------------

    def lint_all(self, linted: list[_File], extra: list[_File]) -> None:
        self.unlinted = {item.key: item for item in extra}
        conftests = [item for item in linted if os.path.basename(item.key) == "conftest.py"]
        others = [item for item in linted if os.path.basename(item.key) != "conftest.py"]
        for depth in sorted({_depth(item) for item in conftests}):
            self._lint_batch([item for item in conftests if _depth(item) == depth])
        self._lint_batch(others)
        self._finish()

    @staticmethod
    def _start_dir(item: _File) -> str:
        start = os.path.dirname(item.key)
        return os.path.dirname(start) if os.path.basename(item.key) == "conftest.py" else start

    def _ensure_conftests_above(self, item: _File) -> None:
        """Read the conftest.py files above a file that will be parsed, if they are not linted themselves
        (a file that needs no parsing needs no facts: a one-file run on such a file parses nothing)."""
        directory = self._start_dir(item)
        pending = []
        while True:
            conftest = self.unlinted.get(os.path.join(directory, "conftest.py"))
            if conftest is not None and conftest.key not in self.loaded:
                pending.append(conftest)
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        for conftest in sorted(pending, key=_depth):
            self.loaded.add(conftest.key)
            prepared = self._prepare(conftest)
            report = worker.run(prepared) if isinstance(prepared, worker.Task) else prepared
            if isinstance(prepared, worker.Task):
                self._store(conftest, report)
            self._collect(conftest, report)
            self.projects.clear()

    def _project_for(self, item: _File) -> tuple[ProjectFacts, str]:
        """The facts of the conftest.py files above the file (its own folder's too, unless it is that
        conftest), and their digest."""
        self._ensure_conftests_above(item)
        start = self._start_dir(item)
        known = self.projects.get(start)
        if known is None:
            above = []
            directory = start
            while True:
                facts = self.conftest_facts.get(os.path.join(directory, "conftest.py"))
                if facts is not None:
                    above.append(facts)
                parent = os.path.dirname(directory)
                if parent == directory:
                    break
                directory = parent
            project = ProjectFacts(tuple(above))
            known = self.projects[start] = (project, digest(project.key().encode()))
        return known

    # -- one batch --------------------------------------------------------------------------------

    def _lint_batch(self, items: list[_File]) -> None:
        tasks: list[tuple[_File, worker.Task]] = []
        for item in items:
            prepared = self._prepare(item)
            if isinstance(prepared, worker.Task):
                tasks.append((item, prepared))
            else:
                self._collect(item, prepared)
        for item, report in self._run_tasks(tasks):
            self._store(item, report)
            self._collect(item, report)

    @staticmethod
    def _cache_key(item: _File) -> str:
        return digest(repr((item.rules, item.facts_only)).encode())

    def _prepare(self, item: _File) -> FileReport | worker.Task:
        """A report from the cache or the prefilter, or the task of parsing the file."""
        try:
            item.stat = os.stat(item.path)
        except OSError as error:
            return _failed(item, f"cannot read: {(error.strerror or str(error)).lower()}")
        if self.cache is not None:
            cached = self.cache.lookup(item.key, item.stat, self._cache_key(item), lambda: self._project_for(item)[1])
            if cached is not None and self._cache_serves(cached):
                self._note(item, "cached (unchanged since the last run)")
                return _relabelled(cached, item.display)
        try:
            source = read_source(item.path)
        except FileError as error:
            return _failed(item, str(error))
        item.digest = digest(source)
        defines_fixtures = os.path.basename(item.key) == "conftest.py" and b"fixture" in source
        if not defines_fixtures and not self.prefilter.needs_parse(source, item.display, lambda: self._container_words(item)):
            report = worker.suppressions_only(item.display, source, item.rules)
            if not self._fixing(report):
                self._note(item, "not parsed: no enabled rule's words in it (or no container in reach)")
                self._store(item, report)
                return report
        self._note(item, "linted")
        return worker.Task(
            item.display, source, item.rules, self.options.fix or self.options.diff, self.options.unsafe,
            self.options.want_edits, self._project_for(item)[0],
        )  # fmt: skip

    def _note(self, item: _File, what: str) -> None:
        if not item.facts_only:
            self.result.notes.append((item.display, what))

    def _container_words(self, item: _File) -> re.Pattern[bytes] | None:
        """The container fixtures of the conftest.py files above the file, as a pattern."""
        project, key = self._project_for(item)
        if key not in self.container_words:
            self.container_words[key] = worker.container_words(project)
        return self.container_words[key]

    def _cache_serves(self, cached: FileReport) -> bool:
        return not cached.error and not self._fixing(cached)

    def _fixing(self, report: FileReport) -> bool:
        """Whether the run needs the file's fixes (or their edits), which only a parse gives."""
        if self.options.fix or self.options.diff or self.options.want_edits:
            return any(d.fix is not None and (d.fixable(self.options.unsafe) or self.options.want_edits) for d in report.diagnostics)
        return False

    def _store(self, item: _File, report: FileReport) -> None:
        if self.cache is None or report.error or report.changed or item.stat is None:
            return
        project = self._project_for(item)[1] if report.facts is not None else None
        self.cache.store(item.key, item.stat, self._cache_key(item), project, item.digest, report)

    def _run_tasks(self, tasks: list[tuple[_File, worker.Task]]) -> Iterator[tuple[_File, FileReport]]:
        if not tasks:
            return
        if len(tasks) < POOL_THRESHOLD or (self.options.jobs or os.cpu_count() or 1) < 2:
            for item, task in tasks:
                yield item, worker.run(task)
            return
        yield from self._run_in_pool(tasks)

    def _run_in_pool(self, tasks: list[tuple[_File, worker.Task]]) -> Iterator[tuple[_File, FileReport]]:
        """Stream the tasks through the pool, a bounded window at a time. When a worker dies, the pool
        is lost: the tasks it held are retried one by one, so that only the one that kills a worker is
        reported as such."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        queue = deque(tasks)
        while queue:
            pool = self._pool()
            window = IN_FLIGHT_PER_WORKER * pool._max_workers
            running: dict = {}
            suspects: list[tuple[_File, worker.Task]] = []
            try:
                while queue or running:
                    while queue and len(running) < window:
                        item, task = queue.popleft()
                        running[pool.submit(_in_worker, task)] = (item, task)
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        item, task = running.pop(future)
                        try:
                            report = future.result()
                        except BrokenProcessPool:
                            suspects.append((item, task))
                            continue
                        yield item, report
                    if suspects:
                        break
            except BrokenProcessPool:  # submitting to a pool that broke meanwhile
                pass
            suspects.extend(running.values())
            if suspects:
                self._restart_pool()
                yield from self._run_isolated(suspects)

    def _run_isolated(self, tasks) -> Iterator[tuple[_File, FileReport]]:
        """Files whose worker died, each in a pool of its own."""
        from concurrent.futures.process import BrokenProcessPool

        for item, task in tasks:
            pool = self._pool(workers=1)
            try:
                yield item, pool.submit(_in_worker, task).result()
            except BrokenProcessPool:
                yield item, _failed(item, "internal error: the worker linting this file crashed")
            self._restart_pool()

    def _pool(self, workers: int | None = None):
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            import tclint.engine.lint  # noqa: F401  (imported once here, inherited by forked workers)

            method = "fork" if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix" else None
            context = multiprocessing.get_context(method)
            workers = workers or self.options.jobs or os.cpu_count() or 1
            self.pool = ProcessPoolExecutor(workers, mp_context=context, initializer=worker.init, initargs=(self.settings,))
        return self.pool

    def _restart_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.cache is not None:
            self.cache.save()

    # -- results ----------------------------------------------------------------------------------

    def _collect(self, item: _File, report: FileReport) -> None:
        if item.facts_only:
            self._keep_facts(item, report)
            return
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)
        if not report.suppressions:
            report = self._write(item, report)
        self._keep_facts(item, report)
        if report.suppressions:
            self.deferred[item.key] = (item, report)  # a project-wide rule may use its suppressions
        else:
            self._settle(item, report, report.diagnostics)

    def _keep_facts(self, item: _File, report: FileReport) -> None:
        if report.facts is not None:
            self.facts[item.key] = (item, report.facts)
            if os.path.basename(item.key) == "conftest.py":
                self.conftest_facts[item.key] = report.facts

    def _finish(self) -> None:
        """Once every file is in: the project-wide rules, and the files whose suppressions they may use.
        Under --fix, such a file is fixed again knowing the other files' facts, so that its unused
        suppressions go like any other fix."""
        if self.options.fix or self.options.diff:
            project = self._project_diagnostics()
            for key, (item, report) in list(self.deferred.items()):
                if self._unused_waiting(item, report, project):
                    report = self._refixed(item, report)
                report = self._write(item, report)
                self._keep_facts(item, report)
                self.deferred[key] = (item, report)
        for item, diagnostic in self._project_diagnostics():
            if item.key in self.deferred:
                self.deferred[item.key][1].diagnostics.append(diagnostic)
            else:
                self.result.diagnostics.append(diagnostic)
        for item, report in self.deferred.values():
            diagnostics = [d for d in report.diagnostics if d.name not in self.project_rules or not silenced(d, report.suppressions)]
            waiting = [suppression for suppression in report.suppressions if suppression.waits]
            for info in self.suppression_rules:
                if info.name in item.rules:
                    found = rule_type(info).check(item.display, waiting, set(item.rules))
                    diagnostics += [d for d, _ in found if not silenced(d, report.suppressions)]
            self._settle(item, report, diagnostics)

    def _unused_waiting(self, item: _File, report: FileReport, project: list[tuple[_File, Diagnostic]]) -> bool:
        """Whether a waiting suppression of the file silences nothing, the project-wide rules included."""
        suppressions = [dataclasses.replace(s, used=set(s.used)) for s in report.suppressions]
        for _, diagnostic in project:
            if diagnostic.path == item.display:
                silenced(diagnostic, suppressions)
        waiting = [suppression for suppression in suppressions if suppression.waits]
        return any(rule_type(info).check(item.display, waiting, set(item.rules))
                   for info in self.suppression_rules if info.name in item.rules)  # fmt: skip

    def _refixed(self, item: _File, report: FileReport) -> FileReport:
        """The file fixed again from where its first fix left it, knowing every other file's facts."""
        source = report.source
        if source is None:  # a report from the cache
            try:
                source = read_source(item.path)
            except FileError as error:
                self.result.errors.append((item.display, str(error)))
                return report
            item.digest = digest(source)
        others = tuple(facts for key, (_, facts) in self.facts.items() if key != item.key)
        task = worker.Task(item.display, source, item.rules, True, self.options.unsafe, self.options.want_edits,
                           self._project_for(item)[0], others)  # fmt: skip
        again = worker.run(task)
        if again.error:
            self.result.errors.append((item.display, again.error))
            return report
        return dataclasses.replace(again, original=report.original if report.original is not None else source,
                                   fixed=report.fixed + again.fixed, new_files={**report.new_files, **again.new_files})  # fmt: skip

    def _write(self, item: _File, report: FileReport) -> FileReport:
        """Write (or under --diff, show) a fixed file. A file that cannot be written is reported as it is
        on disk, each finding in the count."""
        if not report.changed:
            return report
        if self.options.diff:
            self.result.diffs.append(_unified_diff(item.display, report.original, report.source))
            self._create_files(report.new_files)
            return report
        try:
            write_atomically(item.path, report.source, item.digest)
        except FileError as error:
            self.result.errors.append((item.display, str(error)))
            task = worker.Task(item.display, report.original, item.rules, False, self.options.unsafe, self.options.want_edits,
                               self._project_for(item)[0])  # fmt: skip
            return worker.run(task)
        self._create_files(report.new_files)
        self.result.sources[item.display] = report.source
        if self.cache is not None:
            item.stat = os.stat(item.path)
            item.digest = digest(report.source)
            self.cache.store(item.key, item.stat, self._cache_key(item), self._project_for(item)[1], item.digest,
                             dataclasses.replace(report, original=report.source))  # fmt: skip
        return report

    def _container_fixtures_found(self) -> bool:
        return any(fixture.container is not None for _, facts in self.facts.values() for fixture in facts.fixtures)

    def _project_diagnostics(self) -> list[tuple[_File, Diagnostic]]:
        """What the project-wide rules find in the facts of every file."""
        if not self.project_rules or not self._container_fixtures_found():
            return []  # nothing to compare
        linted = {item.display: item for item, _ in self.facts.values() if not item.facts_only}
        every = [facts for _, facts in self.facts.values()]
        found = []
        for name, info in self.project_rules.items():
            for diagnostic in rule_type(info).check_project(every):
                item = linted.get(diagnostic.path)
                if item is not None and name in item.rules:
                    found.append((item, diagnostic))
        return found

    def _settle(self, item: _File, report: FileReport, diagnostics: list[Diagnostic]) -> None:
        self.result.diagnostics.extend(diagnostics)
        self.result.fixed += report.fixed
        if report.error:
            self.result.errors.append((item.display, report.error))

    def _create_files(self, files: dict[str, str]) -> None:
        """Files a fix needs (the wait helper): written once, never over an existing file."""
        for relative, content in files.items():
            target = self.settings.project_root / relative
            if relative in self.created or target.exists():
                continue
            self.created.add(relative)
            shown = display_path(target)
            if self.options.diff:
                self.result.diffs.append(_unified_diff(shown, b"", content.encode(), new_file=True))
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                create_new(target, content.encode())
                self.result.created.append(shown)
            except (OSError, FileError) as error:
                self.result.errors.append((shown, f"cannot create: {error}"))


def _in_worker(task: worker.Task) -> FileReport:
    """What a pool worker runs: looked up when called, so that the forked worker runs what the parent has."""
    return worker.run(task)


def _failed(item: _File, message: str) -> FileReport:
    report = FileReport(item.display)
    report.error = message
    return report


def _relabelled(report: FileReport, display: str) -> FileReport:
    report.path = display
    report.diagnostics = [dataclasses.replace(d, path=display) for d in report.diagnostics]
    return report


def _unified_diff(path: str, old: bytes, new: bytes, new_file: bool = False) -> str:
    import difflib

    old_text, _ = decode(old)
    new_text, _ = decode(new)
    lines = difflib.unified_diff(
        old_text.splitlines(keepends=True), new_text.splitlines(keepends=True),
        fromfile="/dev/null" if new_file else f"a/{path}", tofile=f"b/{path}",
    )  # fmt: skip
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)

