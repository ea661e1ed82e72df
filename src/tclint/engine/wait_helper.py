"""The `wait_for_condition` helper the waiting fixes call, and how a module gets hold of it.

Where the helper is comes from the project index (`PythonProject.wait_helper`): the project's own
helpers when it defines them, else the module named by the `wait-helper` setting (default
`tests/test_utils/wait.py`, a new package re-exporting it), or a free name beside it when that one
would shadow an existing module. The fixed file imports it by the name that resolves when pytest imports
that file (`PythonProject.imports`: the `pythonpath` folders, or the file's first folder without an
`__init__.py`); when none does, the helper goes into a module of that folder. The fix writes it once,
in the project of the file it fixes, never over an existing file.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from tclint.engine.fixes import ImportRequest
from tclint.engine.model import Model
from tclint.project import (
    HelperPlace,
    PytestImports,
    first_folder_without_init,
    helpers_defined,
    importable_as,
)

ASYNC, SYNC = "wait_for_condition", "wait_for_condition_sync"
BESIDE_NAMES = ("wait_helpers.py", "tclint_wait.py")  # a module beside the test, imported by its own name
SKIPPED_FOLDERS = ("node_modules", "site-packages", "venv", "build", "dist")

HELPER = '''\
"""Condition-based waiting for tests: poll for the real condition instead of sleeping.

Written by tclint for its waiting fixes; it is yours to edit.
"""

import asyncio
import inspect
import time
from typing import Any, Callable


async def wait_for_condition(
{i}condition: Callable[[], Any],
{i}description: str,
{i}timeout_ms: int = 5000,
{i}poll_interval_ms: int = 10,
) -> Any:
{i}"""Wait until `condition()` is truthy and return its value.

{i}The condition may be a plain function or a coroutine function. Raises TimeoutError
{i}("Timeout waiting for <description> after <timeout_ms>ms") when it stays falsy.
{i}"""
{i}loop = asyncio.get_running_loop()
{i}deadline = loop.time() + timeout_ms / 1000
{i}while True:
{i}{i}result = condition()
{i}{i}if inspect.isawaitable(result):
{i}{i}{i}result = await result
{i}{i}if result:
{i}{i}{i}return result
{i}{i}if loop.time() >= deadline:
{i}{i}{i}raise TimeoutError(f"Timeout waiting for {{description}} after {{timeout_ms}}ms")
{i}{i}await asyncio.sleep(poll_interval_ms / 1000)


def wait_for_condition_sync(
{i}condition: Callable[[], Any],
{i}description: str,
{i}timeout_ms: int = 5000,
{i}poll_interval_ms: int = 10,
) -> Any:
{i}"""The same for synchronous code: `condition` is a plain function."""
{i}deadline = time.monotonic() + timeout_ms / 1000
{i}while True:
{i}{i}result = condition()
{i}{i}if result:
{i}{i}{i}return result
{i}{i}if time.monotonic() >= deadline:
{i}{i}{i}raise TimeoutError(f"Timeout waiting for {{description}} after {{timeout_ms}}ms")
{i}{i}time.sleep(poll_interval_ms / 1000)
'''

PACKAGE_INIT = '''\
"""Test utilities."""

from .{module} import wait_for_condition, wait_for_condition_sync

__all__ = ["wait_for_condition", "wait_for_condition_sync"]
'''


@dataclass(frozen=True)
class HelperAccess:
    name: str
    imports: tuple[ImportRequest, ...]
    new_files: tuple[tuple[str, str], ...]  # (absolute path, content)


def helper_source(indent: str) -> str:
    return HELPER.format(i=indent)


@functools.cache
def first_party(root: str) -> tuple[str, ...]:
    """The names isort counts as the project's own: the packages and modules at its root and in `src/`."""
    names = set()
    for folder in (root, os.path.join(root, "src")):
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        names.update(entry.removesuffix(".py") for entry in entries if entry.isidentifier() or (entry.endswith(".py") and entry[:-3].isidentifier()))
    return tuple(sorted(names))


def access(context, awaited: bool) -> HelperAccess | None:
    """The name to call and what the fix must add to reach it, imported the way it resolves when pytest
    imports this file: the project's helper module when the file can import it, else a module beside the
    file; None when there is no such place (the configured module exists but lacks this function, or
    pytest's importlib mode puts nothing on sys.path)."""
    name = ASYNC if awaited else SYNC
    model: Model = context.model
    if model.resolver.lookup(name) or name in model.module_functions:
        return HelperAccess(name, (), ())
    python = context.project.python
    place = python.wait_helper if python is not None else None
    if place is None:
        return None
    path = os.path.abspath(context.path)
    imports = python.imports or PytestImports()
    roots = imports.roots(path)
    written = {relative for relative, _ in place.new_files}
    for module_file in place.files_of(name):
        found = importable_as(os.path.join(python.root, module_file), roots)
        if found is None:
            continue
        import_root, module = found
        if module_file not in written:
            return HelperAccess(name, (_request(module, name, python.root),), ())
        if import_root == python.root or import_root in imports.pythonpath or not _named_elsewhere(python.root, module.split(".")[0], import_root):
            files = _new_files(place, python.root, context.module.default_indent)
            return HelperAccess(name, (_request(module, name, python.root),), files)
    if place.module_path and not written or imports.mode == "importlib":
        return None
    return _beside(path, name, python.root, context.module.default_indent)


def _new_files(place: HelperPlace, root: str, indent: str) -> tuple[tuple[str, str], ...]:
    files = []
    for relative, kind in place.new_files:
        content = helper_source(indent) if kind == "helper" else PACKAGE_INIT.format(module=Path(place.module_path).stem)
        files.append((os.path.join(root, relative), content))
    return tuple(files)


def _request(module: str, name: str, root: str) -> ImportRequest:
    """The import, in isort's first-party section when the module is one of the project's own top-level
    names (what ruff finds at the project root or in `src/`), else among the third-party imports."""
    return ImportRequest(module, name, local=first_party(root))


def _beside(path: str, name: str, root: str, indent: str) -> HelperAccess | None:
    """The helper in a module of the folder pytest puts on sys.path for the file (its first folder
    without an `__init__.py`): one tclint wrote there before, else a new one under a name no other module
    of the project has (pytest imports both under the same top-level name)."""
    folder = first_folder_without_init(os.path.dirname(path))
    for filename in BESIDE_NAMES:
        candidate = os.path.join(folder, filename)
        stem = filename.removesuffix(".py")
        at_top = folder in (root, os.path.join(root, "src"))  # first-party then, though first_party() listed the folder before
        request = ImportRequest(stem, name, local=(*first_party(root), stem) if at_top else first_party(root))
        if name in helpers_defined(Path(candidate)):
            return HelperAccess(name, (request,), ())
        if not os.path.lexists(candidate) and not os.path.lexists(os.path.join(folder, stem)) and not _named_elsewhere(root, stem, folder):
            return HelperAccess(name, (request,), ((candidate, helper_source(indent)),))
    return None


@functools.cache
def _named_elsewhere(root: str, stem: str, folder: str) -> bool:
    """Whether a module or package `stem` that is not a tclint helper exists in the project outside
    `folder`: pytest would import both under the same top-level name."""
    for directory, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith((".", "__pycache__")) and name not in SKIPPED_FOLDERS]
        if directory == folder:
            continue
        if stem in subfolders:
            return True
        if f"{stem}.py" in files and not helpers_defined(Path(directory, f"{stem}.py")):
            return True
    return False


def is_helper_module(context) -> bool:
    """The file is where the project's wait helper lives (its sleeps are the point)."""
    python = context.project.python
    if python is None or python.wait_helper is None:
        return False
    path = os.path.abspath(context.path)
    place = python.wait_helper
    known = {os.path.normpath(os.path.join(python.root, relative)) for relative in (place.module_path, *(file for _, file in place.modules)) if relative}
    return path in known or (os.path.basename(path) in BESIDE_NAMES and bool(helpers_defined(Path(path))))
