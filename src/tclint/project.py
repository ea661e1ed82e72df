"""What the project itself says: the testcontainers version it uses, and what its pytest collects.

The version: lock files first (they say what is installed: uv.lock, poetry.lock, Pipfile.lock), then
exact pins in pyproject.toml (PEP 621 dependencies and optional dependencies, dependency groups,
Poetry) and requirements*.txt. Ranges say nothing exact: the version is then unknown (None).
"""

from __future__ import annotations

import configparser
import fnmatch
import json
import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from tclint.knowledge.generated import PYTEST_COLLECTION_DEFAULTS, PYTEST_CONFIG_FILES

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


@dataclass(frozen=True)
class Collection:
    """Which files, classes and functions pytest collects: `python_files`, `python_classes` and
    `python_functions` from the project's pytest configuration, pytest's defaults where it sets none."""

    files: tuple[str, ...] = PYTEST_COLLECTION_DEFAULTS["python_files"]
    classes: tuple[str, ...] = PYTEST_COLLECTION_DEFAULTS["python_classes"]
    functions: tuple[str, ...] = PYTEST_COLLECTION_DEFAULTS["python_functions"]
    source: str | None = None  # the pytest configuration file they were read from

    def is_test_file(self, path: str) -> bool:
        return any(_path_matches(pattern, path) for pattern in self.files)

    def is_test_class(self, name: str) -> bool:
        return any(_prefix_or_glob(pattern, name) for pattern in self.classes)

    def is_test_function(self, name: str) -> bool:
        return any(_prefix_or_glob(pattern, name) for pattern in self.functions)


def _path_matches(pattern: str, path: str) -> bool:
    """pytest's fnmatch_ex: a pattern without a separator matches the file name, one with a
    separator matches the end of the path."""
    if os.sep not in pattern and "/" not in pattern:
        return fnmatch.fnmatch(os.path.basename(path), pattern)
    return fnmatch.fnmatch(os.path.abspath(path), f"*{os.sep}{pattern.replace('/', os.sep)}")


def _prefix_or_glob(pattern: str, name: str) -> bool:
    return name.startswith(pattern) or (any(c in pattern for c in "*?[") and fnmatch.fnmatch(name, pattern))


class PytestConfigError(ValueError):
    """A pytest configuration file that cannot be read: the message names the file and the position."""


def _config_problem(error: Exception) -> str:
    if isinstance(error, tomllib.TOMLDecodeError):
        return f"invalid TOML: {error}"
    if isinstance(error, OSError):
        return f"cannot read: {error.strerror or error}"
    return f"invalid configuration: {' '.join(str(error).split())}"


def pytest_collection(root: Path) -> Collection:
    """The collection options of the pytest configuration pytest would use from `root`: the first
    directory, from `root` upwards, holding a file that configures pytest."""
    for directory in (root, *root.parents):
        for name in PYTEST_CONFIG_FILES:
            path = directory / name
            if not path.is_file():
                continue
            try:
                options = _pytest_options(path)
            except (OSError, UnicodeDecodeError, ValueError, configparser.Error) as error:
                raise PytestConfigError(f"{path}: {_config_problem(error)}") from None
            if options is not None:
                return Collection(
                    files=_args(options.get("python_files"), Collection.files),
                    classes=_args(options.get("python_classes"), Collection.classes),
                    functions=_args(options.get("python_functions"), Collection.functions),
                    source=str(path),
                )
    return Collection()


def _pytest_options(path: Path) -> dict | None:
    """The pytest options a configuration file holds; None when it does not configure pytest."""
    if path.suffix == ".toml":
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if path.name != "pyproject.toml":
            return data.get("pytest", {})
        tool = data.get("tool", {}).get("pytest")
        if tool is None:
            return None
        return tool.get("ini_options", tool)
    parser = configparser.RawConfigParser(strict=False)
    parser.read_string(path.read_text(encoding="utf-8"), str(path))
    section = "tool:pytest" if path.name == "setup.cfg" else "pytest"
    if parser.has_section(section):
        return dict(parser.items(section))
    return {} if path.name in ("pytest.ini", ".pytest.ini") else None


def _args(value: object, default: tuple[str, ...]) -> tuple[str, ...]:
    """An option of pytest's `args` type: a TOML list, or a string split like a shell line."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    if isinstance(value, str):
        return tuple(shlex.split(value))
    return default
