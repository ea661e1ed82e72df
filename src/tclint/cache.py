"""The result cache: `.tclint_cache/<settings fingerprint>.json` in the project root.

An entry is found by path and checked by modification time and size first (a warm run stats files, it
does not read them), then by the content digest. It is keyed by tclint's version and every setting that
changes results (the fingerprint), by the rules enabled for the file and by the facts of the conftest.py
files above it. JSON, not pickle: a cache folder from an untrusted checkout cannot run code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from tclint.diagnostics import Diagnostic, FileReport, FixInfo
from tclint.facts import FileFacts
from tclint.suppressions import Suppression

CACHE_DIR = ".tclint_cache"


class Cache:
    def __init__(self, root: Path, fingerprint: str) -> None:
        self.directory = root / CACHE_DIR
        self.path = self.directory / f"{fingerprint}.json"
        self.entries: dict[str, dict] = {}
        self.dirty = False
        try:
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def lookup(self, path: str, stat: os.stat_result, key: str, project: Callable[[], str]) -> FileReport | None:
        """The cached report, if the file, the rules for it and (for a file that was parsed) the facts of
        the conftest.py files above it are what they were."""
        entry = self.entries.get(path)
        if not entry or entry["mtime"] != stat.st_mtime_ns or entry["size"] != stat.st_size or entry["key"] != key:
            return None
        if entry["project"] is not None and entry["project"] != project():
            return None
        return _report(entry)

    def store(self, path: str, stat: os.stat_result, key: str, project: str | None, digest: str, report: FileReport) -> None:
        self.entries[path] = {"mtime": stat.st_mtime_ns, "size": stat.st_size, "key": key, "project": project,
                              "digest": digest, **_entry(report)}  # fmt: skip
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.directory.mkdir(exist_ok=True)
            (self.directory / ".gitignore").write_text("# created by tclint\n*\n", encoding="utf-8")
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self.entries, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only project still lints; it just does not cache


def _entry(report: FileReport) -> dict:
    return {
        "path": report.path,
        "diagnostics": [asdict(d) for d in report.diagnostics],
        "suppressions": [{**asdict(s), "used": sorted(s.used)} for s in report.suppressions],
        "facts": asdict(report.facts) if report.facts is not None else None,
    }


def _report(entry: dict) -> FileReport:
    diagnostics = []
    for data in entry["diagnostics"]:
        fix = data.pop("fix")
        diagnostics.append(Diagnostic(**data, fix=FixInfo(fix["applicability"], fix["message"]) if fix else None))
    suppressions = []
    for data in entry["suppressions"]:
        suppressions.append(Suppression(**{**data, "selectors": tuple(data["selectors"]),
                                           "foreign_codes": tuple(data["foreign_codes"]), "used": set(data["used"])}))  # fmt: skip
    facts = FileFacts.from_dict(entry["facts"]) if entry["facts"] is not None else None
    return FileReport(entry["path"], diagnostics=diagnostics, suppressions=suppressions, facts=facts)
