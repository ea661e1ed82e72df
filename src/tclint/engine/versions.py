"""The testcontainers version a file's project uses, as rules ask about it."""

from __future__ import annotations


def testcontainers_at_least(context, version: tuple[int, ...]) -> bool | None:
    """Whether the file's project runs testcontainers `version` or newer; None when it cannot be told."""
    python = context.project.python
    spec = python.testcontainers if python is not None else None
    return spec.at_least(version) if spec is not None else None


def unknown_version_note(context) -> str:
    """What the message adds when the fix depends on a version tclint cannot tell."""
    python = context.project.python
    spec = python.testcontainers if python is not None else None
    said = f"the project allows {spec.describe()}" if spec is not None and spec.text else "the project pins no testcontainers version"
    return f" ({said}: no fix; pin it, or set `testcontainers-version`)"
