"""What happens to one file, in a pool worker or in the main process: prefilter, then lint.

Importing this module costs nothing: libcst comes in with the first file that needs parsing.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from tclint.catalog import PROJECT, SUPPRESSIONS, RuleInfo, find_rule, rule_type
from tclint.diagnostics import FileReport
from tclint.facts import FileFacts, ProjectFacts
from tclint.files import FileError, decode
from tclint.knowledge import CLIENTS, CONTAINER_ACCESSORS, CONTAINER_FIXTURE_SUFFIX, SERVICE_WORDS
from tclint.settings import Settings
from tclint.suppressions import may_hold_suppression, may_silence, parse_suppressions, silenced

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

# libcst's parser (native code) and its code generation recurse once per nesting level, and real
# files nest deeper than an 8 MB stack and Python's limit of 1,000 allow (a generated table with a
# 5,000-term sum). Measured: 300,000 levels of code generation fit in 512 MB; parsing gets
# impractically slow (minutes) long before either limit is reached.
LINT_STACK_BYTES = 512 * 1024 * 1024
LINT_RECURSION_LIMIT = 50_000


class Prefilter:
    """Which files an enabled rule could find something in, from their bytes alone.

    A rule's hints are groups of words; a file holds something for the rule only when every group has
    one of its words in the file (or in its path). Tokens stand for word lists: `{container-classes}`
    the configured container classes; `{containers}` whatever can put a container within a function's reach
    (testcontainers, those classes, container-like fixture names and accessors, and the fixtures of the
    conftest.py files above the file that lead to a container); the container classes and helpers of the
project modules a file imports count wherever `testcontainers` does; `{service-words}` the words of a
    fixture name that stands for a service; `{option:NAME}` the first dotted parts of a list option."""

    def __init__(self, rules: tuple[RuleInfo, ...], settings: Settings) -> None:
        self.rules: list[list[_Group]] | None = []
        for rule in rules:
            if rule.kind == SUPPRESSIONS:
                continue  # it reads suppression comments, which every file's report carries
            if not rule.hints:
                self.rules = None  # a rule that may find something in any file
                return
            self.rules.append([_group(words, rule, settings) for words in rule.hints])

    def needs_parse(self, source: bytes, path: str, project_words: Callable[[bool], re.Pattern[bytes] | None]) -> bool:
        """`project_words(fixtures)`: the names the file's imports and (with `fixtures`) its conftest.py
        files lend it that lead to a container."""
        """Whether some rule has each of its groups in the file's bytes or its path."""
        if self.rules is None:
            return True
        seen: dict[int, bool] = {}
        encoded_path = path.encode()
        for groups in self.rules:
            if all(self._holds(group, source, encoded_path, seen, project_words) for group in groups):
                return True
        return False

    @staticmethod
    def _holds(group: _Group, source: bytes, path: bytes, seen: dict[int, bool], project_words) -> bool:
        key = id(group.pattern)
        if key not in seen:
            pattern = group.pattern
            seen[key] = pattern is None or pattern.search(source) is not None or pattern.search(path) is not None
        if seen[key]:
            return True
        words = project_words(group.with_project) if group.with_project or group.with_modules else None
        return words is not None and words.search(source) is not None


@dataclass(frozen=True)
class _Group:
    pattern: re.Pattern[bytes] | None  # None: any file
    with_project: bool = False  # the project's container fixture names count too
    with_modules: bool = False  # the names of container classes and helpers of the modules a file imports count too


_patterns: dict[bytes, re.Pattern[bytes]] = {}


def _group(words: tuple[str, ...], rule: RuleInfo, settings: Settings) -> _Group:
    fragments: list[bytes] = []
    with_project = False
    with_modules = "testcontainers" in words
    for word in words:
        if word == "{containers}":
            with_project = True
            expanded = ["testcontainers", CONTAINER_FIXTURE_SUFFIX, *CONTAINER_ACCESSORS]
            classes = _class_words(settings)
            if classes is None:
                return _Group(None)
            fragments += [re.escape(item.encode()) for item in expanded + classes]
        elif word == "{container-classes}":
            classes = _class_words(settings)
            if classes is None:
                return _Group(None)
            fragments += [re.escape(item.encode()) for item in classes]
        elif word == "{service-words}":
            fragments.append(b"(?i:" + SERVICE_WORDS.encode() + b")")
        elif word.startswith("{option:"):
            value = settings.options_for(rule)[word[len("{option:") : -1]]
            values = value if isinstance(value, (list, tuple)) else [value]
            fragments += [re.escape(str(item).split(".")[0].encode()) for item in values]
        else:
            fragments.append(re.escape(word.encode()))
    source = b"|".join(sorted(set(fragments))) or b"(?!)"
    pattern = _patterns.setdefault(source, re.compile(source))  # equal groups share one search per file
    return _Group(pattern, with_project, with_modules or with_project)


def _class_words(settings: Settings) -> list[str] | None:
    """The names of the configured container classes; None when a pattern names none (`acme.*`)."""
    words = [pattern.rsplit(".", 1)[-1].replace("*", "") for pattern in settings.container_classes]
    return words if all(words) else None


_DEFINED_OR_QUOTED = re.compile(rb"\bdef\s+(\w+)|[\"'](\w+)[\"']")


def fixture_names_in(source: bytes) -> frozenset[bytes]:
    """Every name a fixture defined in this conftest.py can have (its function's, or a `name=` string:
    all quoted words), and more; a file that holds none of them uses none of its fixtures."""
    return frozenset(defined or quoted for defined, quoted in _DEFINED_OR_QUOTED.findall(source))


# What a module other files import may lend them: container classes and helpers, fixtures, plugins,
# module-level constants (`IMAGE = "postgres:16"`, `PORTS = (5432,)`), helpers that write SQL, helpers
# that build a client (they import a client library, or read a container's address). Whether a module is
# read for these facts must not depend on which rules are enabled: a module no enabled rule's words are
# in is read when it matches.
_CLIENT_LIBRARIES = sorted({name.split(".")[0] for name in CLIENTS})
EXPORTS = re.compile(
    rb"(?i:container)|fixture|pytest_plugins|^[A-Z][A-Z0-9_]*[ \t]*(?::[^=\n]*)?=[ \t]*[rbuRBUfF]{0,2}[\"'(0-9]"
    rb"|(?i:\b(?:create|drop|alter)\s+(?:table|schema|database|index|view)\b|\binsert\s+into\b)"
    rb"|^[ \t]*(?:import|from)[ \t]+(?:" + "|".join(_CLIENT_LIBRARIES).encode() + rb")\b"
    + b"".join(b"|" + re.escape(accessor.encode()) for accessor in sorted(CONTAINER_ACCESSORS)),
    re.MULTILINE,
)


def may_export(source: bytes) -> bool:
    """Whether a module's bytes hold anything its facts could lend the files that import it."""
    return EXPORTS.search(source) is not None


def container_words(project: ProjectFacts, fixtures: bool = True) -> re.Pattern[bytes] | None:
    """The names that lead to a container: the fixtures of the conftest.py files (with `fixtures`) and
    what the imported project modules define (container classes, helpers that return containers or
    clients, fixtures that start containers) or import from testcontainers."""
    names = set(project.container_fixture_names()) if fixtures else set()
    for module in project.modules:
        names.update(fact.name for fact in module.container_classes)
        names.update(entry[0] for entry in (*module.factories, *module.clients, *module.wrappers))
        names.update(fixture.name for fixture in module.fixtures if fixture.container is not None)
        names.update(local for local, target in module.bound if target.startswith("testcontainers."))  # passed on by `*`
    if not names:
        return None
    return re.compile(b"|".join(re.escape(name.encode()) for name in sorted(names)))


@dataclass(frozen=True)
class Task:
    path: str
    source: bytes
    rules: tuple[str, ...]
    fix: bool
    unsafe: bool
    want_edits: bool
    project: ProjectFacts
    others: tuple[FileFacts, ...] | None = None  # see LintTask
    placements: dict | None = None  # see LintTask


_settings: Settings | None = None


def init(settings: Settings) -> None:
    global _settings
    _settings = settings


def suppressions_only(path: str, source: bytes, rules: tuple[str, ...]) -> FileReport:
    """A file no file rule can match: only its suppression comments matter (none of them used by a
    file rule; those a project-wide rule may use wait for the end of the run)."""
    report = FileReport(path, original=source, source=source)
    if not may_hold_suppression(source):
        return report
    try:
        suppressions = parse_suppressions(decode(source)[0])
    except FileError as error:
        report.error = str(error)
        return report
    report.diagnostics, report.suppressions = settle_without_tree(path, suppressions, rules)
    return report


def settle_without_tree(path: str, suppressions: list, rules: tuple[str, ...]) -> tuple[list, list]:
    """(diagnostics, suppressions to keep) of the suppression rules, the fixes left out."""
    infos = [find_rule(name) for name in rules]
    project_rules = [info for info in infos if info.kind == PROJECT]
    for suppression in suppressions:
        suppression.project = suppression.waits = may_silence(suppression, project_rules)
    diagnostics = []
    for info in infos:
        if info.kind == SUPPRESSIONS:
            settled = [suppression for suppression in suppressions if not suppression.waits]
            for diagnostic, _ in rule_type(info).check(path, settled, set(rules)):
                if not silenced(diagnostic, suppressions):
                    diagnostics.append(diagnostic)
    return diagnostics, suppressions if any(suppression.project for suppression in suppressions) else []


def run(task: Task) -> FileReport:
    try:
        return on_deep_stack(_lint, task)
    except RecursionError:
        return _failed(task, "too deeply nested for libcst to process")
    except Exception as error:  # a bug in a rule must not cost the other files their results
        import traceback

        report = _failed(task, f"internal error: {type(error).__name__}: {error}")
        if os.environ.get("TCLINT_DEBUG"):
            report.error += "\n" + "".join(traceback.format_exception(error))
        return report


def _lint(task: Task) -> FileReport:
    from tclint.engine.lint import LintTask, lint

    assert _settings is not None
    return lint(
        LintTask(task.path, task.source, task.rules, task.fix, task.unsafe, task.want_edits, task.project, task.others,
                 task.placements),
        _settings,
    )


def _failed(task: Task, message: str) -> FileReport:
    report = FileReport(task.path, original=task.source, source=task.source)
    report.error = message
    return report


_lint_thread: ThreadPoolExecutor | None = None


def on_deep_stack(function, *args):
    """function(*args) on a thread with a large stack and recursion limit; its exception is re-raised here.

    One thread serves every file of the process: a new thread per file costs 10% of a run (fresh
    stack pages and malloc arenas each time)."""
    global _lint_thread
    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, LINT_RECURSION_LIMIT))
    try:
        if _lint_thread is None:
            from concurrent.futures import ThreadPoolExecutor

            previous_stack = threading.stack_size(LINT_STACK_BYTES)
            try:
                _lint_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tclint-lint")
                outcome = _lint_thread.submit(function, *args)  # the thread starts here, with the large stack
            finally:
                threading.stack_size(previous_stack)
        else:
            outcome = _lint_thread.submit(function, *args)
        return outcome.result()
    finally:
        sys.setrecursionlimit(previous_limit)
