"""Output formats: full, concise, json, sarif, github, gitlab; the summary and statistics lines.

Every format is plain text built here. Files that could not be read or parsed are part of every
machine format (as a diagnostic of their own, `FILE_ERROR_CODE`); the human formats leave them to the
one-line errors on stderr. On a terminal, the full format is coloured by rich (imported only then),
from the style each line is built with.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from tclint import REPOSITORY, __version__
from tclint.catalog import load_catalog, split_front_matter
from tclint.diagnostics import SAFE, Diagnostic
from tclint.formats import FORMATS

FILE_ERROR_CODE, FILE_ERROR_NAME = "TCL000", "file-error"  # a file tclint could not read or parse
_AT_POSITION = re.compile(r"^syntax error at (\d+):(\d+): ")


def file_errors(errors: list[tuple[str, str]]) -> list[Diagnostic]:
    """The files that could not be read or parsed, as diagnostics: at the syntax error's position,
    otherwise at the top of the file."""
    found = []
    for path, message in errors:
        at = _AT_POSITION.match(message)
        line, column = (int(at.group(1)), int(at.group(2))) if at else (1, 1)
        found.append(Diagnostic(path, line, column, line, column, FILE_ERROR_CODE, FILE_ERROR_NAME, message))
    return found


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def fix_note(diagnostic: Diagnostic) -> str:
    if diagnostic.fix is None:
        return ""
    if diagnostic.fix.applicability == SAFE:
        return f"{diagnostic.fix.message} (fix available with --fix)"
    return f"{diagnostic.fix.message} (unsafe fix, available with --unsafe-fixes)"


def concise(diagnostics: list[Diagnostic], **_) -> str:
    lines = [f"{d.path}:{d.line}:{d.column}: {d.code} [{d.name}] {d.message}" for d in diagnostics]
    return "\n".join(lines) + ("\n" if lines else "")


def full(diagnostics: list[Diagnostic], read_lines: Callable[[str], list[str]], **_) -> str:
    return "".join(line + "\n" for line, _ in full_lines(diagnostics, read_lines))


def full_lines(diagnostics: list[Diagnostic], read_lines: Callable[[str], list[str]]) -> list[tuple[str, str]]:
    """The full format as (line, rich style) pairs: the style is decided where the line is made."""
    lines: list[tuple[str, str]] = []
    for d in diagnostics:
        if lines:
            lines.append(("", ""))
        source_lines = read_lines(d.path)
        source = source_lines[d.line - 1].rstrip("\r\n") if 0 < d.line <= len(source_lines) else ""
        gutter = " " * len(str(d.line))
        end = d.end_column if d.end_line == d.line else len(source) + 1
        width = max(1, end - d.column)
        lines += [
            (f"{d.path}:{d.line}:{d.column}: {d.code} [{d.name}] {d.message}", "bold"),
            (f"{gutter} |", ""),
            (f"{d.line} | {source.expandtabs(1)}", ""),
            (f"{gutter} | {' ' * (d.column - 1)}{'^' * width} {d.code}", "red"),
        ]
        if d.fix is not None:
            lines += [(f"{gutter} |", ""), (f"{gutter} = help: {fix_note(d)}", "cyan")]
    return lines


def as_json(diagnostics: list[Diagnostic], errors: list[tuple[str, str]] = (), **_) -> str:
    everything = sorted([*diagnostics, *file_errors(errors)], key=Diagnostic.sort_key)
    return json.dumps([_json_object(d) for d in everything], indent=2) + "\n"


def _json_object(d: Diagnostic) -> dict:
    fix = None
    if d.fix is not None:
        fix = {
            "applicability": d.fix.applicability,
            "message": d.fix.message,
            "edits": [
                {
                    "content": edit.content,
                    "location": {"row": edit.location[0], "column": edit.location[1]},
                    "end_location": {"row": edit.end_location[0], "column": edit.end_location[1]},
                }
                for edit in d.fix.edits
            ],
        }
    return {
        "filename": os.path.abspath(d.path),
        "location": {"row": d.line, "column": d.column},
        "end_location": {"row": d.end_line, "column": d.end_column},
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "fix": fix,
        "url": rule_url(d.name) if d.code != FILE_ERROR_CODE else None,
    }


def github(diagnostics: list[Diagnostic], errors: list[tuple[str, str]] = (), **_) -> str:
    def escape_data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def escape_property(text: str) -> str:
        return escape_data(text).replace(":", "%3A").replace(",", "%2C")

    lines = []
    for d in sorted([*diagnostics, *file_errors(errors)], key=Diagnostic.sort_key):
        properties = (
            f"file={escape_property(d.path)},line={d.line},col={d.column},endLine={d.end_line},"
            f"endColumn={d.end_column},title={escape_property(f'{d.code} {d.name}')}"
        )
        lines.append(f"::error {properties}::{escape_data(d.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def gitlab(diagnostics: list[Diagnostic], errors: list[tuple[str, str]] = (), **_) -> str:
    seen: Counter = Counter()
    issues = []
    for d in sorted([*diagnostics, *file_errors(errors)], key=Diagnostic.sort_key):
        identity = f"{d.path}:{d.code}:{d.message}"
        seen[identity] += 1  # the same problem twice in a file still gets two fingerprints
        fingerprint = hashlib.sha256(f"{identity}:{seen[identity]}".encode()).hexdigest()
        issues.append(
            {
                "description": f"{d.code} [{d.name}] {d.message}",
                "check_name": f"{d.code} {d.name}",
                "fingerprint": fingerprint,
                "severity": "critical" if d.code == FILE_ERROR_CODE else "major",
                "location": {
                    "path": d.path,
                    "lines": {"begin": d.line, "end": d.end_line},
                    "positions": {
                        "begin": {"line": d.line, "column": d.column},
                        "end": {"line": d.end_line, "column": d.end_column},
                    },
                },
            }
        )
    return json.dumps(issues, indent=2) + "\n"


def rule_url(name: str) -> str:
    """The rule's documentation as released with this version."""
    return f"{REPOSITORY}/blob/v{__version__}/rules/{name}.md"


def sarif(diagnostics: list[Diagnostic], errors: list[tuple[str, str]] = (), **_) -> str:
    rules = list(load_catalog())
    index = {rule.code: position for position, rule in enumerate(rules)}
    driver_rules = [_sarif_rule(rule) for rule in rules]
    results = []
    for d in diagnostics:
        result = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "error",
            "message": {"text": d.message},
            "locations": [{"physicalLocation": _sarif_location(d.path, d.line, d.column, d.end_line, d.end_column)}],
        }
        if d.fix is not None and d.fix.edits:
            result["fixes"] = [_sarif_fix(d)]
        results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": e.message},
            "descriptor": {"id": FILE_ERROR_CODE},
            "locations": [{"physicalLocation": _sarif_location(e.path, e.line, e.column, e.line, e.column)}],
        }
        for e in file_errors(errors)
    ]
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tclint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": REPOSITORY,
                        "rules": driver_rules,
                    }
                },
                "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _sarif_rule(rule) -> dict:
    _, body = split_front_matter(rule.doc_path.read_text(encoding="utf-8"), rule.doc_path)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _what_it_does(body) or rule.summary},
        "helpUri": rule_url(rule.name),
        "help": {"text": body.strip(), "markdown": body.strip()},
        "defaultConfiguration": {"level": "error" if rule.default_enabled else "none"},
        "properties": {"fix": rule.fix, "fix-safety": rule.fix_safety, "tags": ["testcontainers", "pytest"]},
    }


def _sarif_location(path: str, line: int, column: int, end_line: int, end_column: int) -> dict:
    return {
        "artifactLocation": {"uri": Path(path).as_posix(), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column},
    }


def _sarif_fix(d: Diagnostic) -> dict:
    """The fix's edits as SARIF replacements (both use 1-based, end-exclusive positions)."""
    return {
        "description": {"text": f"{d.fix.message} ({d.fix.applicability} fix)"},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": Path(d.path).as_posix(), "uriBaseId": "%SRCROOT%"},
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": edit.location[0],
                            "startColumn": edit.location[1],
                            "endLine": edit.end_location[0],
                            "endColumn": edit.end_location[1],
                        },
                        "insertedContent": {"text": edit.content},
                    }
                    for edit in d.fix.edits
                ],
            }
        ],
    }


def _what_it_does(body: str) -> str:
    """The first paragraph of the doc's "What it does" section."""
    marker = "## What it does"
    if marker not in body:
        return ""
    paragraph = body.split(marker, 1)[1].strip().split("\n\n", 1)[0]
    return " ".join(paragraph.split())


ALL_PASSED = "All checks passed!"

RENDERERS: dict[str, Callable[..., str]] = {
    "full": full,
    "concise": concise,
    "json": as_json,
    "sarif": sarif,
    "github": github,
    "gitlab": gitlab,
}


def summary(diagnostics: list[Diagnostic], fixed: int, fix_mode: bool, unsafe: bool, failed_files: int = 0) -> str:
    line = _found(diagnostics, fixed, fix_mode, unsafe)
    if not failed_files:
        return line
    if line == ALL_PASSED:
        line = "No problems found"
    return f"{line}; errors in {failed_files} {'file' if failed_files == 1 else 'files'}, shown above"


def _found(diagnostics: list[Diagnostic], fixed: int, fix_mode: bool, unsafe: bool) -> str:
    count = len(diagnostics)
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability == SAFE)
    risky = sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability != SAFE)
    if fix_mode:
        if not count and not fixed:
            return ALL_PASSED
        hidden = f", {risky} fixable with --unsafe-fixes" if risky and not unsafe else ""
        return f"Found {count + fixed} {_problems(count + fixed)} ({fixed} fixed, {count} remaining{hidden})"
    if not count:
        return ALL_PASSED
    parts = []
    fixable = safe + risky if unsafe else safe
    if fixable:
        parts.append(f"{fixable} fixable with --fix")
    if risky and not unsafe:
        parts.append(f"{risky} more with --unsafe-fixes")
    details = f" ({', '.join(parts)})" if parts else ""
    return f"Found {count} {_problems(count)}{details}"


def _problems(count: int) -> str:
    return "problem" if count == 1 else "problems"


def statistics(diagnostics: list[Diagnostic]) -> str:
    counts = Counter((d.code, d.name) for d in diagnostics)
    fixable = {d.code for d in diagnostics if d.fix is not None}
    width = max((len(str(n)) for n in counts.values()), default=1)
    lines = [
        f"{count:>{width}}  {code}  {'[*]' if code in fixable else '   '} {name}"
        for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "\n".join(lines) + ("\n" if lines else "")


def _rule_rows(catalog) -> list[tuple[str, str, str, str]]:
    return [(r.code, r.name, r.summary, r.fix if r.fix == "never" else f"{r.fix} ({r.fix_safety})") for r in catalog]


def rules_text(catalog) -> str:
    rows = _rule_rows(catalog)
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "".join(f"{code:<{widths[0]}}  {name:<{widths[1]}}  {summary:<{widths[2]}}  {fix}\n" for code, name, summary, fix in rows)


MIN_SUMMARY_WIDTH = 20


def rules_table(catalog, width: int):
    """The rules as a rich table for a terminal `width` columns wide. Codes, names and fixes are never
    wrapped; the summary folds at spaces, and is left out when its column would be narrower than
    MIN_SUMMARY_WIDTH or than its longest word."""
    from rich.table import Table

    rows = _rule_rows(catalog)
    code, name, fix = (max(len(row[i]) for row in rows) for i in (0, 1, 3))
    longest_word = max(len(word) for row in rows for word in row[2].split())
    borders_and_padding = 4 * 3 + 1
    with_summary = width - (code + name + fix + borders_and_padding) >= max(MIN_SUMMARY_WIDTH, longest_word)
    table = Table()
    table.add_column("Code", no_wrap=True)
    table.add_column("Name", no_wrap=True)
    if with_summary:
        table.add_column("Summary", overflow="fold")
    table.add_column("Fix", no_wrap=True)
    for row in rows:
        table.add_row(*(row if with_summary else (row[0], row[1], row[3])))
    return table


# -- the `tclint verify` report ---------------------------------------------------------------------------
# The report object comes from tclint.verify; rendering it needs none of its machinery.

NOT_COUNTED = "not counted (no Docker engine answered)"


def verify_text(report) -> str:
    """The plain-text verify report (verify_table shows the same rows on a terminal)."""
    lines = []
    for outcome in report.fixes:
        d = outcome.diagnostic
        failing = f" (fails: {', '.join(outcome.failing_tests)})" if outcome.failing_tests else ""
        lines.append(f"{outcome.status:<10} {d.path}:{d.line}:{d.column}: {d.code} [{d.name}] {d.fix.message}{failing}")
    lines += [f"suite {label + ':':<7} {text}" for label, text in _suite_lines(report)]
    if report.written:
        lines.append(f"{'would write' if report.dry_run else 'wrote'}: {', '.join(report.written)}")
    return "\n".join(lines) + ("\n" if lines else "")


def verify_table(report, console) -> None:
    from rich.table import Table

    styles = {"kept": "green", "rejected": "red", "unverified": "yellow"}
    table = Table(title="tclint verify")
    for column in ("Fix", "Where", "Rule", "Change", "Failing tests"):
        table.add_column(column, overflow="fold")
    for outcome in report.fixes:
        d = outcome.diagnostic
        status = f"[{styles[outcome.status]}]{outcome.status}[/{styles[outcome.status]}]"
        table.add_row(status, f"{d.path}:{d.line}:{d.column}", f"{d.code} {d.name}", d.fix.message, "\n".join(outcome.failing_tests))
    console.print(table)
    for label, text in _suite_lines(report):
        console.print(f"suite {label}: {text}", highlight=False, markup=False)
    if report.written:
        console.print(f"{'would write' if report.dry_run else 'wrote'}: {', '.join(report.written)}", highlight=False, markup=False)


def verify_warning(report) -> str | None:
    """Said on stderr whatever the format: fixes that no test could judge are not written."""
    unverified = report.unverified
    if not unverified:
        return None
    before = report.before
    why = f"pytest said: {before.last_line()}"
    if before.containers is None:
        why += "; no Docker engine answered"
    count = len(unverified)
    return (f"WARNING: {count} {'fix was' if count == 1 else 'fixes were'} not verified and not written: no test "
            f"that the {'fix' if count == 1 else 'fixes'} can affect passed before them ({why})")  # fmt: skip


def verify_json(report) -> dict:
    return {
        "fixes": [
            {"filename": os.path.abspath(o.diagnostic.path), "path": o.diagnostic.path, "row": o.diagnostic.line,
             "column": o.diagnostic.column, "code": o.diagnostic.code, "name": o.diagnostic.name,
             "message": o.diagnostic.message, "fix": o.diagnostic.fix.message, "applicability": o.diagnostic.fix.applicability,
             "status": o.status, "failing_tests": o.failing_tests}
            for o in report.fixes
        ],
        "suite": {"before": _run_json(report.before), "after": _run_json(report.after)},
        "written": report.written,
        "dry_run": report.dry_run,
    }  # fmt: skip


def describe_run(result) -> str:
    passed = len(result.passed)
    failed = len(result.outcomes) - passed
    containers = NOT_COUNTED if result.containers is None else (
        ", ".join(f"{image} x {count}" for image, count in sorted(result.containers.items())) or "none")  # fmt: skip
    return f"{passed} passed, {failed} failed in {result.wall_seconds:.1f} s; containers started: {containers}"


def _suite_lines(report) -> list[tuple[str, str]]:
    """Only what a run measured: no run after when no fix was kept."""
    if report.before is None:
        return []
    after = describe_run(report.after) if report.after is not None else "not run (no fix was kept)"
    return [("before", describe_run(report.before)), ("after", after)]


def _run_json(result) -> dict | None:
    if result is None:
        return None
    return {"wall_seconds": round(result.wall_seconds, 3), "passed": len(result.passed),
            "failed": len(result.outcomes) - len(result.passed),
            "containers": dict(result.containers) if result.containers is not None else None}  # fmt: skip


def testcontainers_version_text(settings, path: str | None) -> str:
    """The testcontainers version that applies to `path` (default: the current folder), and where from."""
    from pathlib import Path

    from tclint.project import package_version, project_root_of

    given = Path(path or ".").resolve()
    folder = given if given.is_dir() else given.parent
    where = project_root_of(folder, settings.project_root.absolute())
    spec = settings.version_override() or package_version(where, "testcontainers")
    return f"{spec.describe()}, for the project at {where}" if spec else f"unknown (not pinned by the project at {where})"


def config_text(settings, path: str | None, ignored_here: set[str]) -> str:
    """`tclint config`: the resolved settings, and why each rule is on or off (for `path`, if given)."""
    lines = [f"configuration: {settings.config_path or 'none found (defaults)'}", f"project root:  {settings.project_root}"]
    for label, value in (
        ("exclude", settings.exclude),
        ("extend-exclude", settings.extend_exclude),
        ("unsafe-fixes", settings.unsafe_fixes),
        ("fixable", settings.fixable),
        ("unfixable", settings.unfixable),
        ("container-classes", settings.container_classes),
        ("image-pins", dict(settings.image_pins)),
        ("wait-helper", settings.wait_helper),
    ):
        lines.append(f"{label}: {_show(value)}")
    lines.append(f"testcontainers version: {testcontainers_version_text(settings, path)}")
    collection = settings.collection
    lines.append(f"pytest collects: files {_show(collection.files)}, classes {_show(collection.classes)}, "
                 f"functions {_show(collection.functions)} ({collection.source or 'pytest defaults'})")  # fmt: skip
    lines.append("rules:")
    unfixable = settings.unfixable_rules()
    for choice in settings.selections():
        rule = choice.rule
        enabled, reason = choice.enabled, choice.reason
        if enabled and rule.name in ignored_here:
            enabled, reason = False, f"per-file-ignores match {path}"
        fixes = "; fixes off (fixable/unfixable)" if rule.fix != "never" and rule.name in unfixable else ""
        lines.append(f"  {rule.code} {rule.name}: {'on' if enabled else 'off'} ({reason}){fixes}")
        lines += [f"      {option} = {_show(value)}" for option, value in settings.options_for(rule).items()]
    return "".join(line + "\n" for line in lines)


def _show(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = {_show(item)}" for key, item in value.items()) + "}"
    if isinstance(value, bool):
        return str(value).lower()
    return f'"{value}"' if isinstance(value, str) else str(value)
