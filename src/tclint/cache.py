"""The result cache: `.tclint_cache/<settings fingerprint>.json` in the project root.

An entry is found by path and checked by modification time and size (a warm run stats files, it does
not read them); a file modified within RACY_NS of when its entry was stored may have changed again in
the same clock tick, so its content digest is checked too (git's "racily clean" entries). It is keyed
by tclint's version and every setting that changes results (the fingerprint), by the rules enabled for
the file, by the facts of the conftest.py files above it and of the project modules it imports, and by
the bytes of the Docker Compose files it reads. JSON, not pickle: a cache folder from an untrusted checkout cannot run code.

Reading never changes an entry, and an entry that is not what this version writes (another schema, a
hand-edited or truncated file) is a miss: the file is linted again and the entry replaced.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from tclint.diagnostics import Diagnostic, FileReport, FixInfo
from tclint.facts import FileFacts
from tclint.files import digest
from tclint.suppressions import Suppression

CACHE_DIR = ".tclint_cache"
SCHEMA = 6  # the layout of an entry: bump it whenever `_entry` changes
RACY_NS = 2_000_000_000  # coarser than the modification-time granularity of any common file system


class Cache:
    def __init__(self, root: Path, fingerprint: str) -> None:
        self.directory = root / CACHE_DIR
        self.path = self.directory / f"{fingerprint}.json"
        self.entries: dict[str, dict] = {}
        self.dirty = False
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(stored, dict) and stored.get("schema") == SCHEMA and isinstance(stored.get("entries"), dict):
            self.entries = stored["entries"]

    def lookup(self, path: str, stat: os.stat_result, key: str, project: Callable[[tuple[str, ...]], str],
               name: str | None = None) -> FileReport | None:  # fmt: skip
        """The cached report, if the file, the rules for it and (for a file that was parsed) the facts of
        the conftest.py files above it and of the project modules it imports (`project`, given the
        modules its imports name) are what they were. `name`: the entry, when it is not the path."""
        entry = self.entries.get(name or path)
        try:
            if entry["mtime"] != stat.st_mtime_ns or entry["size"] != stat.st_size or entry["key"] != key:
                return None
            imports = tuple(entry["imports"])
            if not all(type(module) is str for module in imports):
                return None
            if entry["project"] is not None and entry["project"] != project(imports):
                return None
            if stat.st_mtime_ns + RACY_NS > entry["stored"] and entry["digest"] != digest(Path(path).read_bytes()):
                return None
            if entry["facts"] is not None and not _compose_files_unchanged(entry["facts"].get("compose", ())):
                return None
            return _report(entry)
        except (KeyError, TypeError, ValueError, AttributeError, OSError):
            return None  # no entry, a malformed one, or a file that cannot be read now: a miss

    def store(self, path: str, stat: os.stat_result, key: str, project: str | None, content: str, report: FileReport,
              imports: tuple[str, ...] = (), name: str | None = None) -> None:  # fmt: skip
        """`content`: the digest of the file's bytes, as linted; `imports`: the modules its imports name."""
        self.entries[name or path] = {"mtime": stat.st_mtime_ns, "size": stat.st_size, "key": key, "project": project,
                                      "imports": list(imports), "digest": content, "stored": time.time_ns(), **_entry(report)}  # fmt: skip
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.directory.mkdir(exist_ok=True)
            (self.directory / ".gitignore").write_text("# created by tclint\n*\n", encoding="utf-8")
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"schema": SCHEMA, "entries": self.entries}, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, self.path)
            self.dirty = False
        except OSError:
            pass  # a read-only project still lints; it just does not cache


def _compose_files_unchanged(stacks: list) -> bool:
    """Whether the compose files the file's Docker Compose stacks read still hold the bytes they held
    (a file that could not be read, "", must still be unreadable)."""
    for stack in stacks:
        for path, known in stack["files"]:
            try:
                now = digest(Path(path).read_bytes())
            except OSError:
                now = ""
            if now != known:
                return False
    return True


def _entry(report: FileReport) -> dict:
    return {
        "path": report.path,
        "diagnostics": [asdict(d) for d in report.diagnostics],
        "suppressions": [{**asdict(s), "used": sorted(s.used)} for s in report.suppressions],
        "facts": asdict(report.facts) if report.facts is not None else None,
    }


_INTS = frozenset({"line", "column", "end_line", "end_column", "start", "end", "first_line", "last_line"})
_STRS = frozenset({"path", "code", "name", "message", "kind"})


def _valid(data: dict) -> dict:
    """The fields of one stored object, if those with a known type have it (ValueError otherwise)."""
    for key, value in data.items():
        if (key in _INTS and type(value) is not int) or (key in _STRS and type(value) is not str):
            raise ValueError(f"malformed cache field {key!r}")
    return data


def _report(entry: dict) -> FileReport:
    """A new report from the entry, which stays as it is (it is saved again)."""
    diagnostics = []
    for data in entry["diagnostics"]:
        fix = data["fix"]
        fields = {name: value for name, value in _valid(data).items() if name != "fix"}
        diagnostics.append(Diagnostic(**fields, fix=FixInfo(fix["applicability"], fix["message"]) if fix else None))
    suppressions = []
    for data in entry["suppressions"]:
        suppressions.append(Suppression(**{**_valid(data), "selectors": tuple(data["selectors"]),
                                           "foreign_codes": tuple(data["foreign_codes"]), "used": set(data["used"])}))  # fmt: skip
    facts = FileFacts.from_dict(entry["facts"]) if entry["facts"] is not None else None
    return FileReport(_valid(entry)["path"], diagnostics=diagnostics, suppressions=suppressions, facts=facts)
