"""The `wait_for_condition` helper the waiting fixes call, and how a module gets hold of it.

Where the helper is comes from the project index (`PythonProject.wait_helper`): the project's own
helpers when it defines them, else the module named by the `wait-helper` setting (default
`tests/test_utils/wait.py`, a new package re-exporting it), or a free name beside it when that one
would shadow an existing module. The fix writes it once, in the project of the file it fixes, never
over an existing file.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from tclint.engine.fixes import ImportRequest
from tclint.engine.model import Model

ASYNC, SYNC = "wait_for_condition", "wait_for_condition_sync"

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

from {module} import wait_for_condition, wait_for_condition_sync

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
    """The name to call and what the fix must add to reach it; None when the project has no place for it
    (its helper module exists but lacks this function)."""
    name = ASYNC if awaited else SYNC
    model: Model = context.model
    if model.resolver.lookup(name) or name in model.module_functions:
        return HelperAccess(name, (), ())
    python = context.project.python
    place = python.wait_helper if python is not None else None
    module = place.module_of(name) if place is not None else None
    if module is None:
        return None
    files = []
    for path, kind in place.new_files:
        module_path = ".".join(place.module_path.removesuffix(".py").split("/"))
        content = helper_source(context.module.default_indent) if kind == "helper" else PACKAGE_INIT.format(module=module_path)
        files.append((os.path.join(python.root, path), content))
    return HelperAccess(name, (ImportRequest(module, name, local=first_party(python.root)),), tuple(files))


def is_helper_module(context) -> bool:
    """The file is where the project's wait helper lives (its sleeps are the point)."""
    python = context.project.python
    if python is None or python.wait_helper is None:
        return False
    helper = os.path.join(python.root, python.wait_helper.module_path)
    return os.path.abspath(context.path) == os.path.normpath(helper)
