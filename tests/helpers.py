"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations


def write(root, files: dict) -> None:
    """Create files under root: text or bytes, parent folders included."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
