"""What the project itself says about the testcontainers version it uses.

Lock files first (they say what is installed: uv.lock, poetry.lock, Pipfile.lock), then exact pins in
pyproject.toml (PEP 621 dependencies and optional dependencies, dependency groups, Poetry) and
requirements*.txt. Ranges say nothing exact: the version is then unknown (None).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PACKAGE = "testcontainers"
REQUIREMENT = re.compile(r"^\s*testcontainers(?:\[[^\]]*\])?\s*==\s*([0-9][0-9a-zA-Z.+-]*)\s*(?:;.*)?$", re.IGNORECASE)


def testcontainers_version(root: Path) -> str | None:
    for reader in (_uv_or_poetry_lock, _pipfile_lock, _pyproject, _requirements):
        try:
            version = reader(root)
        except (OSError, ValueError, tomllib.TOMLDecodeError, KeyError, TypeError):
            version = None
        if version:
            return version
    return None


def _uv_or_poetry_lock(root: Path) -> str | None:
    for name in ("uv.lock", "poetry.lock"):
        path = root / name
        if path.is_file():
            for package in tomllib.loads(path.read_text(encoding="utf-8")).get("package", []):
                if package.get("name", "").lower() == PACKAGE:
                    return package.get("version")
    return None


def _pipfile_lock(root: Path) -> str | None:
    path = root / "Pipfile.lock"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    for section in ("default", "develop"):
        version = data.get(section, {}).get(PACKAGE, {}).get("version", "")
        if version.startswith("=="):
            return version[2:]
    return None


def _pyproject(root: Path) -> str | None:
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    project = data.get("project", {})
    requirements = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        requirements.extend(group)
    for group in data.get("dependency-groups", {}).values():
        requirements.extend(item for item in group if isinstance(item, str))
    for requirement in requirements:
        match = REQUIREMENT.match(requirement)
        if match:
            return match.group(1)
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {})] + [g.get("dependencies", {}) for g in poetry.get("group", {}).values()]
    for table in tables:
        spec = table.get(PACKAGE)
        spec = spec.get("version") if isinstance(spec, dict) else spec
        if isinstance(spec, str) and re.fullmatch(r"=?=?\s*[0-9][0-9.]*", spec.strip()):
            return spec.strip().lstrip("=").strip()
    return None


def _requirements(root: Path) -> str | None:
    for path in sorted(root.glob("requirements*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = REQUIREMENT.match(line)
            if match:
                return match.group(1)
    return None


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])
