"""What happens to one file, in a pool worker or in the main process: prefilter, then lint.

Importing this module costs nothing: libcst comes in with the first file that needs parsing.
"""

from __future__ import annotations

import re
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
    from tclint.engine.lint import LintTask, lint

    assert _settings is not None
    try:
        return lint(
            LintTask(task.path, task.source, task.rules, task.fix, task.unsafe, task.want_edits, task.project),
            _settings,
        )
    except Exception as error:  # a bug in a rule must not cost the other files their results
        import os
        import traceback

        report = FileReport(task.path, original=task.source, source=task.source)
        report.error = f"internal error: {type(error).__name__}: {error}"
        if os.environ.get("TCLINT_DEBUG"):
            report.error += "\n" + traceback.format_exc()
        return report
