"""Output formats: full, concise, json, sarif, github, gitlab; the summary and statistics lines.

Every format is plain text built here; on a terminal, the full format is coloured by rich (imported
only then).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from tclint import REPOSITORY, __version__
from tclint.catalog import load_catalog
from tclint.diagnostics import SAFE, Diagnostic

FORMATS = ("full", "concise", "json", "sarif", "github", "gitlab")
MACHINE_FORMATS = ("json", "sarif", "github", "gitlab")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = REPOSITORY


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
    blocks = []
    for d in diagnostics:
        lines = read_lines(d.path)
        source = lines[d.line - 1].rstrip("\r\n") if 0 < d.line <= len(lines) else ""
        gutter = " " * len(str(d.line))
        end = d.end_column if d.end_line == d.line else len(source) + 1
        width = max(1, end - d.column)
        block = [
            f"{d.path}:{d.line}:{d.column}: {d.code} [{d.name}] {d.message}",
            f"{gutter} |",
            f"{d.line} | {source.expandtabs(1)}",
            f"{gutter} | {' ' * (d.column - 1)}{'^' * width} {d.code}",
        ]
        if d.fix is not None:
            block += [f"{gutter} |", f"{gutter} = help: {fix_note(d)}"]
        blocks.append("\n".join(block) + "\n")
    return "\n".join(blocks)


def as_json(diagnostics: list[Diagnostic], **_) -> str:
    return json.dumps([_json_object(d) for d in diagnostics], indent=2) + "\n"


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
        "url": None,
    }


def github(diagnostics: list[Diagnostic], **_) -> str:
    def escape_data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def escape_property(text: str) -> str:
        return escape_data(text).replace(":", "%3A").replace(",", "%2C")

    lines = []
    for d in diagnostics:
        properties = (
            f"file={escape_property(d.path)},line={d.line},col={d.column},endLine={d.end_line},"
            f"endColumn={d.end_column},title={escape_property(f'{d.code} {d.name}')}"
        )
        lines.append(f"::error {properties}::{escape_data(d.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def gitlab(diagnostics: list[Diagnostic], **_) -> str:
    seen: Counter = Counter()
    issues = []
    for d in diagnostics:
        identity = f"{d.path}:{d.code}:{d.message}"
        seen[identity] += 1  # the same problem twice in a file still gets two fingerprints
        fingerprint = hashlib.sha256(f"{identity}:{seen[identity]}".encode()).hexdigest()
        issues.append(
            {
                "description": f"{d.code} [{d.name}] {d.message}",
                "check_name": f"{d.code} {d.name}",
                "fingerprint": fingerprint,
                "severity": "major",
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


def sarif(diagnostics: list[Diagnostic], **_) -> str:
    rules = list(load_catalog())
    index = {rule.code: position for position, rule in enumerate(rules)}
    driver_rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": _what_it_does(rule.doc_path) or rule.summary},
            "help": {"text": f"Run `tclint explain {rule.name}` for the rule's documentation."},
            "defaultConfiguration": {"level": "error" if rule.default_enabled else "none"},
            "properties": {"fix": rule.fix, "fix-safety": rule.fix_safety, "tags": ["testcontainers", "pytest"]},
        }
        for rule in rules
    ]
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "error",
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": Path(d.path).as_posix(), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": d.end_line,
                            "endColumn": d.end_column,
                        },
                    }
                }
            ],
        }
        for d in diagnostics
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
                        "informationUri": INFORMATION_URI,
                        "rules": driver_rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _what_it_does(doc: Path) -> str:
    """The first paragraph of the doc's "What it does" section."""
    text = doc.read_text(encoding="utf-8")
    marker = "## What it does"
    if marker not in text:
        return ""
    paragraph = text.split(marker, 1)[1].strip().split("\n\n", 1)[0]
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
    if fix_mode:
        if not count and not fixed:
            return ALL_PASSED
        return f"Found {count + fixed} {_problems(count + fixed)} ({fixed} fixed, {count} remaining)"
    if not count:
        return ALL_PASSED
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability == SAFE)
    risky = sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability != SAFE)
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
