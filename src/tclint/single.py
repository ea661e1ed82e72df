"""Lint one source text as if it were the file at a given path (for --stdin-filename and the editor
server): the path decides the configuration's per-file ignores, and the file sees its project as a run
on it does (the fixtures of the conftest.py files above it and of the modules they import, the facts of
the project modules it imports), those files read through the cache like a run reads them. The text is
linted in place of the file on disk, and neither it nor what its fixes would write is written. A file
that no enabled rule's words are in is answered without parsing it (or importing libcst), as in a run."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from tclint import worker
from tclint.cache import Cache
from tclint.catalog import PROJECT, find_rule, rule_type
from tclint.diagnostics import Diagnostic, FileReport
from tclint.facts import FileFacts
from tclint.project import PytestConfigError, project_root_of, pytest_collection
from tclint.project_index import ProjectIndex, SourceFile, imports_in
from tclint.runner import facts_reader
from tclint.settings import ConfigError, Settings
from tclint.suppressions import silenced


class OpenCaches:
    """The result caches an editor session keeps in memory, one per project root and settings: each is
    read from disk once (again only when another process has rewritten the file since), and its entries
    are checked against each file's size and time on every lint, so an edit on disk is still seen."""

    def __init__(self) -> None:
        self._open: dict[tuple[Path, str], tuple[Cache, tuple[int, int] | None]] = {}

    def get(self, settings: Settings) -> Cache:
        key = (settings.project_root, settings.fingerprint())
        known = self._open.get(key)
        if known is None or known[1] != _stamp(known[0].path):
            cache = Cache(*key)
            known = self._open[key] = (cache, _stamp(cache.path))
        return known[0]

    def save(self, cache: Cache) -> None:
        cache.save()
        for key, (kept, _) in self._open.items():
            if kept is cache:
                self._open[key] = (cache, _stamp(cache.path))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def lint_source(source: bytes, path: str | Path, settings: Settings, *, fix: bool = False, unsafe: bool = False,
                edits: bool = False, cache: bool = True, caches: OpenCaches | None = None) -> tuple[FileReport, bytes]:  # fmt: skip
    """The report on `source` (its diagnostics, or `error`: a one-line reason it could not be linted)
    and the source once fixed (`source` itself without `fix`). With `edits`, each diagnostic's fix
    carries its text edits. Files the fixes ask for (the wait helper) are in `report.new_files`, not
    written. Without `cache`, the files it depends on are read afresh and no cache is written; with
    `caches`, the cache is the one they keep in memory."""
    target = Path(os.path.abspath(path))
    settings = _rooted(settings, target)
    worker.init(settings)
    index = ProjectIndex([], settings, files=[target])
    item = index.files[0]
    item.imports = imports_in(source)
    caches = caches or OpenCaches()
    store = caches.get(settings) if cache else None
    reader = facts_reader(index, settings, store)
    read_module = index.read_module
    index.read_module = lambda module: None if module.key == item.key else read_module(module)  # the text is the file
    try:
        return _lint(source, item, index, reader.facts, settings, fix, unsafe, edits)
    finally:
        if store is not None:
            caches.save(store)


def _rooted(settings: Settings, target: Path) -> Settings:
    """Without a configuration file, the settings are rooted at the file's own folder; a run from its
    project's root sees the project from there (its conftest.py files and modules above the folder)."""
    if settings.config_path is not None:
        return settings
    root = project_root_of(target.parent, settings.project_root)
    if root == settings.project_root:
        return settings
    try:
        return dataclasses.replace(settings, project_root=root, collection=pytest_collection(root))
    except PytestConfigError as error:
        raise ConfigError(str(error)) from None


def _lint(source: bytes, item: SourceFile, index: ProjectIndex, read: dict, settings: Settings, fix: bool, unsafe: bool,
          edits: bool) -> tuple[FileReport, bytes]:  # fmt: skip
    """`read`: the facts of the files the index has read so far, by key (filled as it reads)."""
    prefilter = worker.Prefilter(settings.enabled_rules(), settings)
    if not prefilter.needs_parse(source, item.display, lambda fixtures: index.container_words(item, source, fixtures)):
        report = worker.suppressions_only(item.display, source, item.rules)
        if not report.suppressions and not any(d.fix is not None and (fix or edits) for d in report.diagnostics):
            return report, source
    project = index.project_for(item)[0]
    others = tuple(facts for key, (_, facts) in read.items() if key != item.key)
    report = worker.run(worker.Task(item.display, source, item.rules, fix, unsafe, edits, project, others))
    if report.facts is not None:
        facts = index.add_facts(item, report.facts)
        report.diagnostics += _project_diagnostics(report, [*others, facts], item.rules)
        report.diagnostics.sort(key=Diagnostic.sort_key)
    return report, report.source if report.source is not None else source


def _project_diagnostics(report: FileReport, files: list[FileFacts], rules: tuple[str, ...]) -> list[Diagnostic]:
    found = []
    for info in (find_rule(name) for name in rules):
        if info is not None and info.kind == PROJECT:
            for diagnostic in rule_type(info).check_project(files):
                if diagnostic.path == report.path and not silenced(diagnostic, report.suppressions):
                    found.append(diagnostic)
    return found
