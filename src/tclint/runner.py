"""One run of tclint over a project: each file's report from the cache, the prefilter or the linting
pool, then what needs every file (the project-wide rules, the suppressions they may use), with fixed
files handed to the writer as soon as nothing can change them any more.

The parts: `project_index` (the files, their rules, the conftest facts), `pool` (linting, crash
isolation), `writer` (fixed files, helper files, diffs). conftest.py files are linted first,
shallowest first, because the files below them lint against the fixtures they define. A project module
that a file imports is read before the file (`_read_module`): a file of the run then lints ahead of its
turn, a module outside the paths is read for its facts alone.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tclint import worker
from tclint.cache import Cache
from tclint.catalog import PROJECT, SUPPRESSIONS, rule_type
from tclint.diagnostics import Diagnostic, FileReport
from tclint.files import FileError, digest, read_source
from tclint.pool import LintPool
from tclint.project_index import ProjectIndex, SourceFile, display_path, imports_in, rules_for
from tclint.settings import Settings
from tclint.suppressions import silenced
from tclint.writer import Writer


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
    placed: list[str] = field(default_factory=list)  # where the session fixtures several modules share went, or why not
    notes: list[tuple[str, str]] = field(default_factory=list)  # (path, what became of it), for --verbose


def run(paths: list[str], settings: Settings, options: RunOptions, progress: Callable[[int, int], None] | None = None) -> RunResult:
    index = ProjectIndex(paths, settings, options.force_exclude)
    result = RunResult(errors=list(index.errors), files=len(index.files), notes=list(index.notes))
    writer = Writer(settings.project_root, options.diff)
    pool = LintPool(settings, options.jobs)
    cache = Cache(settings.project_root, settings.fingerprint()) if options.cache else None
    run_ = _Run(settings, options, index, pool, writer, cache, result, progress)
    try:
        for batch in index.batches():
            run_.lint(batch)
        run_.finish()
    finally:
        pool.close()
        if cache is not None:
            cache.save()
    result.errors += writer.errors
    result.diffs, result.sources, result.created = writer.diffs, writer.sources, writer.created
    result.diagnostics.sort(key=Diagnostic.sort_key)
    result.errors.sort()
    return result


def facts_reader(index: ProjectIndex, settings: Settings, cache: Cache | None) -> _Run:
    """A run that lints no file of its own: it reads the conftest.py files and project modules the index
    asks for (from the cache, or by parsing them) and keeps their facts (`.facts`), for a text linted
    outside a run (an editor's buffer)."""
    return _Run(settings, RunOptions(), index, None, None, cache, RunResult(), None)


class _Run:
    def __init__(self, settings, options, index, pool, writer, cache, result, progress) -> None:
        self.options: RunOptions = options
        self.settings: Settings = settings
        self.index: ProjectIndex = index
        self.pool: LintPool = pool
        self.writer: Writer = writer
        self.cache: Cache | None = cache
        self.result: RunResult = result
        self.progress = progress
        self.done = 0
        enabled = settings.enabled_rules()
        self.prefilter = worker.Prefilter(enabled, settings)
        self.project_rules = {rule.name: rule for rule in enabled if rule.kind == PROJECT}
        self.suppression_rules = [rule for rule in enabled if rule.kind == SUPPRESSIONS]
        self.facts: dict[str, tuple[SourceFile, object]] = {}  # every file's facts, by path
        self.deferred: dict[str, tuple[SourceFile, FileReport]] = {}  # files whose suppressions wait for the end
        self.pending: dict[str, worker.Task] = {}  # the batch's tasks not handed to the pool yet
        self.early: dict[str, FileReport] = {}  # files linted ahead of their turn, as another file's import
        self.collected: set[str] = set()
        self.held: dict[str, tuple[SourceFile, FileReport]] = {}  # fixed modules whose new session fixture may go to a conftest.py
        index.read_conftest = self._read_conftest
        index.read_module = self._read_module

    # -- each file's report -----------------------------------------------------------------------

    def lint(self, items: list[SourceFile]) -> None:
        tasks: list[tuple[SourceFile, worker.Task]] = []
        for item in items:
            if item.key in self.early:
                continue
            prepared = self._prepare(item)
            if isinstance(prepared, worker.Task):
                tasks.append((item, prepared))
                self.pending[item.key] = prepared
            elif item.key not in self.early:
                self._collect(item, prepared)
        self.pending.clear()
        for item in items:
            if item.key in self.early:
                self._collect(item, self.early.pop(item.key))
        tasks = [(item, task) for item, task in tasks if item.key not in self.collected]
        for item, report in self.pool.run(tasks):
            self._store(item, report)
            self._collect(item, report)

    def _read_conftest(self, conftest: SourceFile) -> None:
        prepared = self._prepare(conftest)
        report = worker.run(prepared) if isinstance(prepared, worker.Task) else prepared
        if isinstance(prepared, worker.Task):
            self._store(conftest, report)
        self._collect(conftest, report)

    def _read_module(self, item: SourceFile) -> None:
        """The facts of a module another file imports: a file of the run lints now (its report waits for
        its turn); one outside the paths, or one whose lint gave no facts (no rule's words in it), is read
        for its facts alone."""
        if not item.facts_only and item.key not in self.collected:
            task = self.pending.pop(item.key, None)
            prepared = task if task is not None else self._prepare(item)
            report = worker.run(prepared) if isinstance(prepared, worker.Task) else prepared
            if isinstance(prepared, worker.Task):
                self._store(item, report)
            self.early[item.key] = report
            if report.facts is not None:
                self.index.add_facts(item, report.facts)
                return
        self._read_conftest(SourceFile(item.path, item.display, item.key, (), facts_only=True))

    def _prepare(self, item: SourceFile) -> FileReport | worker.Task:
        """A report from the cache or the prefilter, or the task of parsing the file."""
        try:
            item.stat = os.stat(item.path)
        except OSError as error:
            return FileReport(item.display, error=f"cannot read: {(error.strerror or str(error)).lower()}")
        if self.cache is not None:
            cached = self.cache.lookup(item.key, item.stat, _cache_key(item), lambda imports: self._project_key(item, imports), item.entry)
            if cached is not None and not cached.error and not self._needs_fixes(cached):
                self._note(item, "cached (unchanged since the last run)")
                return _relabelled(cached, item.display)
        try:
            source = read_source(item.path)
        except FileError as error:
            return FileReport(item.display, error=str(error))
        item.digest = digest(source)
        item.imports = imports_in(source)
        if item.facts_only and not item.is_conftest:
            if worker.may_export(source) or self.index.may_reexport_fixtures(item):
                return self._task(item, source, fix=False)
            report = FileReport(item.display)
            self._store(item, report)
            return report
        defines_fixtures = item.is_conftest and (b"fixture" in source or b"pytest_plugins" in source or b"addinivalue_line" in source or self.index.may_reexport_fixtures(item))
        if not defines_fixtures and not self.prefilter.needs_parse(source, item.display, lambda fixtures: self.index.container_words(item, source, fixtures)):
            report = worker.suppressions_only(item.display, source, item.rules)
            if not self._needs_fixes(report):
                self._note(item, "not parsed: no enabled rule's words in it (or no container in reach)")
                self._store(item, report)
                return report
        self._note(item, "linted")
        return self._task(item, source, fix=self.options.fix or self.options.diff)

    def _project_key(self, item: SourceFile, imports: tuple[str, ...]) -> str:
        item.imports = imports
        return self.index.project_for(item)[1]

    def _note(self, item: SourceFile, what: str) -> None:
        if not item.facts_only:
            self.result.notes.append((item.display, what))

    def _task(self, item: SourceFile, source: bytes, fix: bool, others=None, placements=None) -> worker.Task:
        return worker.Task(item.display, source, item.rules, fix, self.options.unsafe, self.options.want_edits,
                           self.index.project_for(item)[0], others, placements)  # fmt: skip

    def _needs_fixes(self, report: FileReport) -> bool:
        """Whether the run needs the file's fixes (or their edits), which only a parse gives."""
        if self.options.fix or self.options.diff or self.options.want_edits:
            return any(d.fix is not None and (d.fixable(self.options.unsafe) or self.options.want_edits) for d in report.diagnostics)
        return False

    def _store(self, item: SourceFile, report: FileReport) -> None:
        if self.cache is None or report.error or report.changed or item.stat is None:
            return
        # a file left unparsed still depends on what its imports and conftest.py files lend it (the prefilter counts those names)
        depends = report.facts is not None or (not item.facts_only and self.index.lends_to(item))
        project = self.index.project_for(item)[1] if depends else None
        self.cache.store(item.key, item.stat, _cache_key(item), project, item.digest, report, item.imports or (), item.entry)

    def _collect(self, item: SourceFile, report: FileReport) -> None:
        if item.facts_only:
            self._keep_facts(item, report)
            return
        self.collected.add(item.key)
        self.done += 1
        if self.progress:
            self.progress(self.done, len(self.index.files))
        if report.shared and not item.is_conftest and (self.options.fix or self.options.diff):
            self.held[item.key] = (item, report)  # written once every module's fixtures are known
            return
        self._release(item, report)

    def _release(self, item: SourceFile, report: FileReport) -> None:
        if not report.suppressions:
            report = self._write(item, report)
        self._keep_facts(item, report)
        if report.suppressions:
            self.deferred[item.key] = (item, report)  # a project-wide rule may use its suppressions
        else:
            self._settle(item, report, report.diagnostics)

    def _keep_facts(self, item: SourceFile, report: FileReport) -> None:
        if report.facts is not None:
            facts = self.index.add_facts(item, report.facts)
            if not (item.facts_only and item.key in self.facts):  # a file of the run, read again for its facts
                self.facts[item.key] = (item, facts)

    def _write(self, item: SourceFile, report: FileReport) -> FileReport:
        """Hand a fixed file to the writer. One that cannot be written is reported as it was read, each
        of its findings in the count."""
        if not report.changed:
            return report
        if not self.writer.write(item, report):
            return worker.run(self._task(item, report.original, fix=False))
        if self.cache is not None and not self.options.diff:
            item.stat = os.stat(item.path)
            item.digest = digest(report.source)
            item.imports = imports_in(report.source)
            self.cache.store(item.key, item.stat, _cache_key(item), self.index.project_for(item)[1], item.digest,
                             dataclasses.replace(report, original=report.source), item.imports, item.entry)  # fmt: skip
        return report

    def _settle(self, item: SourceFile, report: FileReport, diagnostics: list[Diagnostic]) -> None:
        self.result.diagnostics.extend(diagnostics)
        self.result.fixed += report.fixed
        if report.error:
            self.result.errors.append((item.display, report.error))

    # -- once every file is in --------------------------------------------------------------------

    def finish(self) -> None:
        """The project-wide rules, and the files whose suppressions they may use. Under --fix, such a
        file is fixed again knowing the other files' facts, so that its unused suppressions go like any
        other fix."""
        self._place_shared_fixtures()
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

    def _place_shared_fixtures(self) -> None:
        """The modules held back: those whose new session fixture other modules create too are fixed again
        from their original with the fixture placed in the conftest.py they share (written first; a module
        whose conftest.py cannot be written keeps its own fixture), then every held module is written."""
        if not self.held:
            return
        from tclint.placement import placements

        shared = {key: report.shared for key, (_, report) in self.held.items()}
        roots = {key: self.index.project_for(item)[0].python.root for key, (item, _) in self.held.items()}
        decided = placements(shared, roots)
        placed: dict[str, FileReport] = {}
        wanted: dict[str, list] = {}
        for key, chosen in decided.items():
            item, report = self.held[key]
            again = worker.run(self._task(item, report.original, fix=True, placements=chosen))
            if not again.error:
                placed[key] = again
                for fixture in again.conftest_fixtures:
                    wanted.setdefault(fixture.path, []).append(fixture)
        written = {path for path, fixtures in wanted.items() if self._extend_conftest(path, fixtures)}
        self.result.placed += placement_lines(decided, written, self.writer.created_conftests)
        for key, (item, report) in self.held.items():
            again = placed.get(key)
            if again is not None and all(fixture.path in written for fixture in again.conftest_fixtures):
                report = again
            self._release(item, report)
        self.held.clear()

    def _extend_conftest(self, path: str, fixtures: list) -> bool:
        """Append the fixtures to the conftest.py (created if absent), fixed like any file of the run."""
        from tclint.engine.fixes import extended_conftest

        item = SourceFile(Path(path), display_path(Path(path)), path, rules_for(Path(path), self.settings, self.settings.enabled_rules()))
        try:
            original = read_source(item.path) if os.path.exists(path) else None
        except FileError as error:
            self.result.errors.append((item.display, str(error)))
            return False
        item.digest = digest(original) if original is not None else ""
        try:
            source = extended_conftest(original or b"", fixtures)
        except FileError:
            return False  # its own lint reports why it cannot be read
        fixed = worker.run(self._task(item, source, fix=True))
        return self.writer.extend(item, original, fixed.source if not fixed.error else source)

    def _unused_waiting(self, item: SourceFile, report: FileReport, project: list[tuple[SourceFile, Diagnostic]]) -> bool:
        """Whether a waiting suppression of the file silences nothing, the project-wide rules included."""
        suppressions = [dataclasses.replace(s, used=set(s.used)) for s in report.suppressions]
        for _, diagnostic in project:
            if diagnostic.path == item.display:
                silenced(diagnostic, suppressions)
        waiting = [suppression for suppression in suppressions if suppression.waits]
        return any(rule_type(info).check(item.display, waiting, set(item.rules))
                   for info in self.suppression_rules if info.name in item.rules)  # fmt: skip

    def _refixed(self, item: SourceFile, report: FileReport) -> FileReport:
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
        again = worker.run(self._task(item, source, fix=True, others=others))
        if again.error:
            self.result.errors.append((item.display, again.error))
            return report
        return dataclasses.replace(again, original=report.original if report.original is not None else source,
                                   fixed=report.fixed + again.fixed, new_files={**report.new_files, **again.new_files})  # fmt: skip

    def _project_diagnostics(self) -> list[tuple[SourceFile, Diagnostic]]:
        """What the project-wide rules find in the facts of every file."""
        if not self.project_rules or not any(f.container is not None for _, facts in self.facts.values() for f in facts.fixtures):
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


def placement_lines(decided: dict, written: set[str], created: set[str]) -> list[str]:
    """One line per shared fixture: the conftest.py it went to, or why it stayed in its modules."""
    lines = {}
    for chosen in decided.values():
        for placement in chosen.values():
            if placement.conftest in written:
                verb = "Created" if placement.conftest in created else "Extended"
                line = f"{verb} {placement.shown} with the session fixture `{placement.name}` that {placement.modules} modules share"
            elif placement.conftest is not None:
                line = f"Kept the session fixture `{placement.name}` in each of its {placement.modules} modules: {placement.shown} could not be written"
            else:
                line = f"Kept the session fixture `{placement.name}` in each of its {placement.modules} modules: {placement.stays}"
            lines[line] = None
    return sorted(lines)


def _cache_key(item: SourceFile) -> str:
    return digest(repr((item.rules, item.facts_only)).encode())


def _relabelled(report: FileReport, display: str) -> FileReport:
    report.path = display
    report.diagnostics = [dataclasses.replace(d, path=display) for d in report.diagnostics]
    return report
