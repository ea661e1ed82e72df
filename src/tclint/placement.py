"""Where a session fixture that fixes create in several test modules goes: the nearest conftest.py the
modules share (an existing one, or a new one in their nearest common folder), so that one container
serves them all; or, when tclint cannot place it safely, nowhere but each module, with the reason.

Decided once every file of the run has been linted, from what each module's first fix pass created
(`SharedFixture`) and from the conftest.py files on disk between the modules and their project's root.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tclint.engine.fixes import Placement, SharedFixture
from tclint.project_index import CONFTEST, display_path


def placements(shared: dict[str, dict[tuple, SharedFixture]], roots: dict[str, str]) -> dict[str, dict[tuple, Placement]]:
    """For each module (absolute path) that shares a container with another module, the placement of
    each such container's fixture. `shared`: module -> the fixtures its fixes created, by container
    signature; `roots`: module -> the root of the Python project it belongs to."""
    by_signature: dict[tuple, list[tuple[str, SharedFixture]]] = {}
    for module, fixtures in sorted(shared.items()):
        for signature, fixture in fixtures.items():
            by_signature.setdefault(signature, []).append((module, fixture))
    found: dict[str, dict[tuple, Placement]] = {}
    for signature, members in by_signature.items():
        if len(members) < 2:
            continue
        placement = _place(members, roots)
        for module, _ in members:
            found.setdefault(module, {})[signature] = placement
    return found


def _place(members: list[tuple[str, SharedFixture]], roots: dict[str, str]) -> Placement:
    name = min(fixture.name for _, fixture in members)
    count = len(members)

    def stays(reason: str) -> Placement:
        return Placement(None, name, count, reason)

    for module, fixture in members:
        if fixture.stays is not None:
            return stays(f"in `{display_path(Path(module))}`, {fixture.stays}")
    names = sorted({fixture.name for _, fixture in members})
    if len(names) > 1:
        return stays(f"the modules would name it differently ({', '.join(f'`{n}`' for n in names)})")
    if len({roots[module] for module, _ in members}) > 1:
        return stays("the modules belong to different projects")
    root = roots[members[0][0]]
    folders = [os.path.dirname(module) for module, _ in members]
    common = os.path.commonpath(folders)
    if not _within(common, root):
        return stays("the modules share no folder inside their project")
    target = _nearest_conftest(common, root)
    shown = display_path(Path(target))
    source = _read(target)
    if source is not None and b"pytest_plugins" in source:
        return stays(f"`{shown}` names `pytest_plugins`: the fixture could go there or into one of those plugins")
    if source is not None and re.search(rb"\b%s\b" % re.escape(name.encode()), source):
        return stays(f"`{name}` is already a name in `{shown}`")
    for folder in folders:
        clash = _defining(name, folder, root)
        if clash is not None:
            return stays(f"`{name}` is already a fixture name in `{display_path(Path(clash))}`")
    return Placement(target, name, count, shown=shown)


def _within(folder: str, root: str) -> bool:
    return folder == root or folder.startswith(root.rstrip(os.sep) + os.sep)


def _folders_up(folder: str, root: str):
    """The folder and those above it, up to the project root."""
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if folder == root or parent == folder or not _within(parent, root):
            return
        folder = parent


def _nearest_conftest(common: str, root: str) -> str:
    """The nearest existing conftest.py in the common folder or above it (within the project), else a
    new one in the common folder."""
    for folder in _folders_up(common, root):
        candidate = os.path.join(folder, CONFTEST)
        if os.path.isfile(candidate):
            return candidate
    return os.path.join(common, CONFTEST)


def _defining(name: str, folder: str, root: str) -> str | None:
    """A conftest.py between the module and its project's root that may define a fixture `name` (any
    `def name` or quoted word: a fixture of that name there would shadow the new one, or be shadowed)."""
    from tclint.worker import fixture_names_in

    for above in _folders_up(folder, root):
        candidate = os.path.join(above, CONFTEST)
        source = _read(candidate)
        if source is not None and name.encode() in fixture_names_in(source):
            return candidate
    return None


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None
