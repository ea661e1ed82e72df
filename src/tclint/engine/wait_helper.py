"""The `wait_for_condition` helper the waiting fixes call, and how a module gets hold of it.

When the project has no such helper, the fix writes it (once, never over an existing file) to the
module named by the `wait-helper` setting, default `tests/test_utils/wait.py`, with the package's
`__init__.py` re-exporting it, and imports it from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from tclint.engine.fixes import ImportRequest
from tclint.engine.model import Model
from tclint.settings import Settings

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
    new_files: tuple[tuple[str, str], ...]


def helper_source(indent: str) -> str:
    return HELPER.format(i=indent)


def access(model: Model, settings: Settings, awaited: bool, indent: str) -> HelperAccess:
    """The name to call and what the fix must add to reach it."""
    name = ASYNC if awaited else SYNC
    if model.resolver.lookup(name) or name in model.module_functions:
        return HelperAccess(name, (), ())
    path = PurePosixPath(settings.wait_helper)
    module = ".".join(path.with_suffix("").parts)
    package_init = path.parent / "__init__.py"
    root = settings.project_root
    files = []
    if not (root / path).exists():
        files.append((str(path), helper_source(indent)))
    source = module
    if path.name != "__init__.py" and path.parent.parts:
        if not (root / package_init).exists():
            files.append((str(package_init), PACKAGE_INIT.format(module=module)))
            source = ".".join(path.parent.parts)
        elif files == [] and name in (root / package_init).read_text(encoding="utf-8", errors="replace"):
            source = ".".join(path.parent.parts)
    return HelperAccess(name, (ImportRequest(source, name),), tuple(files))
