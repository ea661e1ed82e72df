"""Lint one source text as if it were the file at a given path (for --stdin-filename and the editor
server): the path decides the configuration's per-file ignores and which conftest.py files above it lend
their fixtures; nothing is written and no cache is used. A file that no enabled rule's words are in is
answered without parsing it (or importing libcst), as in a run."""

from __future__ import annotations

import os
from pathlib import Path

from tclint import worker
from tclint.catalog import PROJECT, find_rule, rule_type
from tclint.diagnostics import Diagnostic, FileReport
from tclint.facts import FileFacts, ProjectFacts
from tclint.files import FileError, read_source
from tclint.project import project_root_of, python_project
from tclint.project_index import display_path, rules_for
from tclint.settings import Settings
from tclint.suppressions import silenced


def lint_source(source: bytes, path: str | Path, settings: Settings, *, fix: bool = False, unsafe: bool = False,
                edits: bool = False) -> tuple[FileReport, bytes]:  # fmt: skip
    """The report on `source` (its diagnostics, or `error`: a one-line reason it could not be linted)
    and the source once fixed (`source` itself without `fix`). The project-wide rules compare the file
    with the conftest.py files above it. With `edits`, each diagnostic's fix carries its text edits. Files
    the fixes ask for (the wait helper) are in `report.new_files`, not written."""
    target = Path(os.path.abspath(path))
    shown = display_path(target)
    enabled = settings.enabled_rules()
    rules = rules_for(target, settings, enabled)
    worker.init(settings)
    conftests: list[FileFacts] | None = None

    def container_words(fixtures: bool):
        nonlocal conftests
        if not fixtures:
            return None  # the project modules a file imports are known to a run only
        above = _conftests_above(target, settings)
        if not any(name in source for path in above for name in worker.fixture_names_in(_read_or_empty(path))):
            return None  # the file names none of their fixtures: no need to parse them
        conftests = _conftest_facts_above(target, settings, prefilter)
        return worker.container_words(ProjectFacts(tuple(reversed(conftests))))

    prefilter = worker.Prefilter(enabled, settings)
    if not prefilter.needs_parse(source, shown, container_words):  # as a run would: nothing parsed
        report = worker.suppressions_only(shown, source, rules)
        if not report.suppressions and not any(d.fix is not None and (fix or edits) for d in report.diagnostics):
            return report, source
    if conftests is None:
        conftests = _conftest_facts_above(target, settings, prefilter)
    root = project_root_of(target.parent, Path(os.path.abspath(settings.project_root)))
    python = python_project(root, settings.wait_helper, settings.version_override())
    task = worker.Task(shown, source, rules, fix, unsafe, edits, ProjectFacts(tuple(reversed(conftests)), python=python),
                       tuple(conftests))  # fmt: skip
    report = worker.run(task)
    if report.facts is not None:
        report.diagnostics += _project_diagnostics(report, [*conftests, report.facts], task.rules)
        report.diagnostics.sort(key=Diagnostic.sort_key)
    return report, report.source if report.source is not None else source


def _read_or_empty(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _conftests_above(target: Path, settings: Settings) -> list[Path]:
    """The conftest.py files above the file (its own folder's too, unless it is that conftest.py),
    nearest first."""
    root = os.path.abspath(settings.project_root)
    directory = os.path.dirname(target) if target.name != "conftest.py" else os.path.dirname(os.path.dirname(target))
    found = []
    while True:
        candidate = os.path.join(directory, "conftest.py")
        if os.path.isfile(candidate):
            found.append(Path(candidate))
        parent = os.path.dirname(directory)
        if directory == root or parent == directory or not directory.startswith(root):
            break
        directory = parent
    return found


def _conftest_facts_above(target: Path, settings: Settings, prefilter: worker.Prefilter) -> list[FileFacts]:
    """The facts of the conftest.py files above the file, outermost first, each read with the fixtures
    of those above it."""
    facts: list[FileFacts] = []
    for conftest in reversed(_conftests_above(target, settings)):
        try:
            source = read_source(conftest)
        except FileError:
            continue  # an unreadable conftest.py lends no fixtures; it is its own run's error
        if b"fixture" not in source and not prefilter.needs_parse(source, str(conftest), lambda fixtures: None):
            continue  # a run does not parse it either
        task = worker.Task(display_path(conftest), source, (), False, False, False, ProjectFacts(tuple(reversed(facts))))
        report = worker.run(task)
        if report.facts is not None:
            facts.append(report.facts)
    return facts


def _project_diagnostics(report: FileReport, files: list[FileFacts], rules: tuple[str, ...]) -> list[Diagnostic]:
    found = []
    for info in (find_rule(name) for name in rules):
        if info is not None and info.kind == PROJECT:
            for diagnostic in rule_type(info).check_project(files):
                if diagnostic.path == report.path and not silenced(diagnostic, report.suppressions):
                    found.append(diagnostic)
    return found

