"""What happens to one file, in a pool worker or in the main process: prefilter, then lint.

Importing this module costs nothing: libcst comes in with the first file that needs parsing.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tclint.catalog import RuleInfo
from tclint.diagnostics import FileReport
from tclint.facts import ProjectFacts
from tclint.files import FileError, decode
from tclint.settings import Settings
from tclint.suppressions import may_hold_suppression, parse_suppressions

CONTAINER_CLASSES_HINT = "{container-classes}"
SUPPRESSION_RULE = "unused-suppression"
NEVER = re.compile(rb"(?!)")
# libcst's parser (native code) and its code generation recurse once per nesting level, and real
# files nest deeper than an 8 MB stack and Python's limit of 1,000 allow (a generated table with a
# 5,000-term sum). Measured: 300,000 levels of code generation fit in 512 MB; parsing gets
# impractically slow (minutes) long before either limit is reached.
LINT_STACK_BYTES = 512 * 1024 * 1024
LINT_RECURSION_LIMIT = 50_000


def hint_pattern(rules: tuple[RuleInfo, ...], settings: Settings) -> re.Pattern[bytes] | None:
    """Bytes that a file must contain for any of the rules to find something; None: any file may."""
    words: set[str] = set()
    for rule in rules:
        if rule.name == SUPPRESSION_RULE:
            continue
        if not rule.hints:
            return None
        for hint in rule.hints:
            if hint != CONTAINER_CLASSES_HINT:
                words.add(hint)
                continue
            configured = [pattern.rsplit(".", 1)[-1].replace("*", "") for pattern in settings.container_classes]
            if not all(configured):
                return None  # a pattern such as `myproject.*` names no word to look for
            words.update(configured)
    if not words:
        return NEVER
    return re.compile(b"|".join(re.escape(word.encode()) for word in sorted(words)))


@dataclass(frozen=True)
class Task:
    path: str
    source: bytes
    rules: tuple[str, ...]
    fix: bool
    unsafe: bool
    want_edits: bool
    project: ProjectFacts


_settings: Settings | None = None


def init(settings: Settings) -> None:
    global _settings
    _settings = settings


def needs_parse(source: bytes, pattern: re.Pattern[bytes] | None) -> bool:
    return pattern is None or pattern.search(source) is not None


def suppressions_only(path: str, source: bytes) -> FileReport:
    """A file no rule can match: only its suppression comments matter (all of them unused)."""
    report = FileReport(path, original=source, source=source)
    if may_hold_suppression(source):
        try:
            report.suppressions = parse_suppressions(decode(source)[0])
        except FileError as error:
            report.error = str(error)
    return report


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
        LintTask(task.path, task.source, task.rules, task.fix, task.unsafe, task.want_edits, task.project),
        _settings,
    )


def _failed(task: Task, message: str) -> FileReport:
    report = FileReport(task.path, original=task.source, source=task.source)
    report.error = message
    return report


_lint_thread: ThreadPoolExecutor | None = None


def _forget_lint_thread() -> None:
    global _lint_thread
    _lint_thread = None  # a forked pool worker has none of its parent's threads


os.register_at_fork(after_in_child=_forget_lint_thread)


def on_deep_stack(function, *args):
    """function(*args) on a thread with a large stack and recursion limit; its exception is re-raised here.

    One thread serves every file of the process: a new thread per file costs 10% of a run (fresh
    stack pages and malloc arenas each time)."""
    global _lint_thread
    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, LINT_RECURSION_LIMIT))
    try:
        if _lint_thread is None:
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
