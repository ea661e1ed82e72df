"""What the project itself says: the versions it uses, where it lives, and what its pytest collects.

A file belongs to the nearest folder above it that holds a project file (pyproject.toml, setup.cfg,
setup.py, a lock file, requirements*.txt, Pipfile, or the repository's .git). The testcontainers and
pytest versions that apply to it come from the nearest folder above it that mentions the package: lock
files first (they say what is installed: uv.lock, poetry.lock, pdm.lock, Pipfile.lock), then
pyproject.toml (PEP 621 dependencies and optional dependencies, dependency groups, Poetry, PDM and
Hatch), requirements*.txt, requirements/*.txt, tests/requirements*.txt, setup.cfg and setup.py. A range
(`>=4,<5`) is kept as bounds; when it does not decide a question, a lock file further up (a workspace's)
may. Nothing found: the version is unknown.
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

LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
PROJECT_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile", ".git", *LOCK_FILES)
_SPECIFIER = re.compile(r"(===|==|~=|!=|<=|>=|<|>|\^|~|=)?\s*v?([0-9][0-9a-zA-Z.*+!-]*)")


@dataclass(frozen=True)
class VersionSpec:
    """What a project says of a package's version: the bounds it allows, as far as it pins them."""

    low: tuple[int, ...] | None = None  # inclusive
    high: tuple[int, ...] | None = None  # exclusive
    text: str = ""  # as written: "==3.7.1", ">=4,<5"
    source: str = ""  # the file it was read from

    @property
    def exact(self) -> bool:
        return self.low is not None and self.high == _next(self.low)

    def at_least(self, version: tuple[int, ...]) -> bool | None:
        """Whether every allowed version is `version` or newer; False when none is; None: it depends."""
        version = _padded(version)
        if self.low is not None and self.low >= version:
            return True
        if self.high is not None and self.high <= version:
            return False
        return None

    def describe(self) -> str:
        return f"{self.text} ({self.source})"


def _next(version: tuple[int, ...]) -> tuple[int, ...]:
    return _padded(version) + (1,)


def _padded(version: tuple[int, ...]) -> tuple[int, ...]:
    """Three parts at least, so that 4 and 4.0.0 compare equal."""
    return (*version, 0, 0, 0)[: max(3, len(version))]


def parse_spec(text: str, source: str = "") -> VersionSpec | None:
    """PEP 440 specifiers and Poetry's (`^4.10`, `~4.10`, a bare `4.10`); None when it bounds nothing."""
    low: tuple[int, ...] | None = None
    high: tuple[int, ...] | None = None
    for part in text.split(","):
        match = _SPECIFIER.fullmatch(part.strip())
        numbers = version_tuple(match.group(2)) if match else ()
        if not numbers or match.group(1) == "!=":
            continue
        start, end = _bounds(match.group(1) or "==", numbers, match.group(2).endswith("*"))
        if start is not None and (low is None or _padded(start) > low):
            low = _padded(start)
        if end is not None and (high is None or _padded(end) < high):
            high = _padded(end)
    if low is None and high is None:
        return None
    return VersionSpec(low, high, text.strip(), source)


def _bounds(operator: str, numbers: tuple[int, ...], wildcard: bool) -> tuple:
    """(inclusive low, exclusive high) of one specifier."""
    if operator in ("==", "===", "="):
        return (numbers, _bumped(numbers, len(numbers))) if wildcard else (numbers, _next(numbers))
    if operator == "~=":
        return numbers, _bumped(numbers, max(1, len(numbers) - 1))
    if operator == "~":  # Poetry: ~4.10 allows 4.10.*, ~4 allows 4.*
        return numbers, _bumped(numbers, min(2, len(numbers)))
    if operator == "^":  # Poetry: up to the next change of the first non-zero part
        first = next((index for index, number in enumerate(numbers) if number), len(numbers) - 1)
        return numbers, _bumped(numbers, first + 1)
    if operator in (">=", ">"):
        return numbers, None
    if operator == "<":
        return None, numbers
    return None, _next(numbers)  # <=


def _bumped(numbers: tuple[int, ...], length: int) -> tuple[int, ...]:
    """The first `length` parts, the last of them plus one: (4, 10, 2), 2 -> (4, 11)."""
    kept = numbers[:length]
    return (*kept[:-1], kept[-1] + 1)


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3])


@dataclass(frozen=True)
class PythonProject:
    """The project a file belongs to: where tclint writes what its fixes need, and the versions of the
    packages its tests run with. Plain data: it travels to the workers and into the cache key."""

    root: str
    testcontainers: VersionSpec | None = None
    pytest: VersionSpec | None = None
    wait_helper: HelperPlace | None = None
    imports: PytestImports | None = None
    marks: tuple[str, ...] = ()  # the marks its pytest configuration registers (its `markers`)


@dataclass(frozen=True)
class HelperPlace:
    """Where the project's `wait_for_condition` helpers are, or where tclint may write them: the files
    that define or export each name (paths from the project root; the project's own first, nearest the
    configured module first, then the one tclint would write) and the files to create."""

    modules: tuple[tuple[str, str], ...]  # (function name, the module's file it can be imported from)
    new_files: tuple[tuple[str, str], ...] = ()  # (path, kind): kind "helper" or "package"
    module_path: str = ""  # the helper module's file, existing or to be written

    def files_of(self, name: str) -> list[str]:
        return [path for function, path in self.modules if function == name]


@dataclass(frozen=True)
class PytestImports:
    """How pytest makes a test file's imports work: the folders its `pythonpath` option puts on sys.path
    (absolute) and its import mode (`--import-mode` in `addopts`; prepend and append put the file's
    first folder without an `__init__.py` on sys.path, importlib nothing)."""

    pythonpath: tuple[str, ...] = ()
    mode: str = "prepend"

    def roots(self, path: str) -> list[str]:
        """The folders on sys.path when pytest imports the file at `path` (absolute), from which an
        absolute import in it resolves."""
        roots = list(self.pythonpath)
        if self.mode != "importlib":
            roots.append(first_folder_without_init(os.path.dirname(path)))
        return roots


def first_folder_without_init(folder: str) -> str:
    """pytest's `rootdir` of a module in prepend/append mode: the first folder upwards that is not a package."""
    while os.path.isfile(os.path.join(folder, "__init__.py")) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    return folder


def importable_as(path: str, roots: list[str]) -> tuple[str, str] | None:
    """The first of `roots` the module at `path` (absolute) is under, and the dotted name it is imported
    by from there (folders between may be namespace packages); None when it is under none of them."""
    for root in roots:
        relative = os.path.relpath(path, root)
        if relative.startswith(os.pardir):
            continue
        parts = Path(relative).with_suffix("").parts
        parts = parts[:-1] if parts[-1:] == ("__init__",) else parts
        if parts and all(part.isidentifier() for part in parts):
            return root, ".".join(parts)
    return None


def project_root_of(directory: Path, default: Path) -> Path:
    """The nearest folder, from `directory` upwards, that holds a project file; `default` when none does."""
    for folder in (directory, *directory.parents):
        if any((folder / name).exists() for name in PROJECT_FILES):
            return folder
        if folder.name not in TESTS_FOLDERS and any(folder.glob("requirements*.txt")):
            return folder  # a tests folder's requirements belong to the project above it
    return default


def package_version(directory: Path, package: str) -> VersionSpec | None:
    """The version of `package` that applies to files in `directory` (see the module's docstring)."""
    found: VersionSpec | None = None
    for folder in (directory, *directory.parents):
        if found is None:
            found = _declared(folder, package)
        else:
            locked = _locked(folder, package)
            if locked is not None and found.at_least(locked.low) is not False and _below(locked.low, found.high):
                return locked  # a workspace's lock file pins what the project's range allows
        if found is not None and found.exact:
            return found
        if (folder / ".git").exists():
            break
    return found


def _below(version: tuple[int, ...], high: tuple[int, ...] | None) -> bool:
    return high is None or version < high


def _declared(folder: Path, package: str) -> VersionSpec | None:
    return _locked(folder, package) or _first(folder, package, _DECLARATIONS)


def _locked(folder: Path, package: str) -> VersionSpec | None:
    return _first(folder, package, (_uv_poetry_pdm_lock, _pipfile_lock))


def _first(folder: Path, package: str, readers) -> VersionSpec | None:
    for reader in readers:
        try:
            spec = reader(folder, package)
        except (OSError, UnicodeDecodeError, ValueError, tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError):
            spec = None  # a broken file says nothing about versions; the tools that own it report it
        if spec is not None:
            return spec
    return None


def _uv_poetry_pdm_lock(folder: Path, package: str) -> VersionSpec | None:
    for name in ("uv.lock", "poetry.lock", "pdm.lock"):
        path = folder / name
        if path.is_file():
            for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("package", []):
                if _normal(entry.get("name", "")) == package and entry.get("version"):
                    return parse_spec(f"=={entry['version']}", name)
    return None


def _pipfile_lock(folder: Path, package: str) -> VersionSpec | None:
    path = folder / "Pipfile.lock"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    for section in ("default", "develop"):
        for name, entry in data.get(section, {}).items():
            if _normal(name) == package and str(entry.get("version", "")).startswith("=="):
                return parse_spec(entry["version"], "Pipfile.lock")
    return None


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(line: str, package: str) -> str | None:
    """The specifier of `package` in a requirement line, "" when it has none; None: another package."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;#@]*)", line)
    if match is None or _normal(match.group(1)) != package:
        return None
    return match.group(3).strip().strip("()").strip()


def _from_requirements(lines, package: str, source: str) -> VersionSpec | None:
    for line in lines:
        if not isinstance(line, str):
            continue
        specifier = _requirement(line, package)
        if specifier is not None:
            return parse_spec(specifier, source) or VersionSpec(text=specifier or "(any version)", source=source)
    return None


def _pyproject(folder: Path, package: str) -> VersionSpec | None:
    path = folder / "pyproject.toml"
    if not path.is_file():
        return None
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    project, tool = data.get("project", {}), data.get("tool", {})
    lists = [project.get("dependencies", []), *project.get("optional-dependencies", {}).values(),
             *data.get("dependency-groups", {}).values(), *tool.get("pdm", {}).get("dev-dependencies", {}).values(),
             *(env.get("dependencies", []) for env in tool.get("hatch", {}).get("envs", {}).values())]  # fmt: skip
    for requirements in lists:
        spec = _from_requirements(requirements, package, "pyproject.toml")
        if spec is not None:
            return spec
    poetry = tool.get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {}),
              *(group.get("dependencies", {}) for group in poetry.get("group", {}).values())]  # fmt: skip
    for table in tables:
        for name, value in table.items():
            if _normal(name) == package:
                value = value.get("version", "") if isinstance(value, dict) else value
                return parse_spec(str(value), "pyproject.toml") or VersionSpec(text=str(value), source="pyproject.toml")
    return None


def _requirements_files(folder: Path, package: str) -> VersionSpec | None:
    paths = [*sorted(folder.glob("requirements*.txt")), *sorted(folder.glob("requirements/*.txt")),
             *sorted(folder.glob("tests/requirements*.txt"))]  # fmt: skip
    for path in paths:
        spec = _from_requirements(path.read_text(encoding="utf-8").splitlines(), package, path.relative_to(folder).as_posix())
        if spec is not None:
            return spec
    return None


def _setup_cfg(folder: Path, package: str) -> VersionSpec | None:
    path = folder / "setup.cfg"
    if not path.is_file():
        return None
    parser = configparser.RawConfigParser(strict=False)
    parser.read_string(path.read_text(encoding="utf-8"), str(path))
    values = [parser.get("options", "install_requires", fallback="")]
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    return _from_requirements("\n".join(values).splitlines(), package, "setup.cfg")


def _setup_py(folder: Path, package: str) -> VersionSpec | None:
    path = folder / "setup.py"
    if not path.is_file():
        return None
    strings = re.findall(r"[\"']([^\"'\n]+)[\"']", path.read_text(encoding="utf-8"))
    return _from_requirements(strings, package, "setup.py")


_DECLARATIONS = (_pyproject, _requirements_files, _setup_cfg, _setup_py)


TESTS_FOLDERS = ("tests", "test", "testing")
HELPER_FILE_WORDS = ("wait", "poll", "util", "helper", "support", "common", "conftest", "__init__")
HELPER_DEF = re.compile(r"^(async\s+)?def\s+(wait_for_condition(?:_sync)?)\s*\(([^)]*)", re.MULTILINE)
FALLBACK_HELPER_NAMES = ("waiting.py", "wait_helpers.py", "tclint_wait.py")
MAX_HELPER_SCAN = 2000  # files looked at for an existing helper, at most


def python_project(root: Path, helper_setting: str, testcontainers: VersionSpec | None) -> PythonProject:
    """The project at `root` with the facts its fixes need. `testcontainers` is the version set by
    configuration or on the command line, which wins over the project's."""
    return PythonProject(
        root=str(root),
        testcontainers=testcontainers or package_version(root, "testcontainers"),
        pytest=package_version(root, "pytest"),
        wait_helper=helper_place(root, helper_setting),
        imports=pytest_imports(root),
        marks=_configured_marks(root),
    )


def _configured_marks(root: Path) -> tuple[str, ...]:
    """The marks the pytest configuration pytest would use from `root` registers (none when it cannot be
    read: its own lint says so)."""
    try:
        return pytest_collection(root).marks
    except PytestConfigError:
        return ()


def helper_place(root: Path, setting: str) -> HelperPlace:
    """The project's own `wait_for_condition` helpers when it has them (an async `wait_for_condition`, a
    `wait_for_condition_sync`, each taking `timeout_ms`), else the module `setting` names, or a free
    name beside it when that would shadow an existing module or package."""
    found = _existing_helpers(root, setting)
    path = _free_helper_path(root, setting)
    if (root / path).exists():  # the user's own module: tclint imports from it only what it defines
        return HelperPlace(tuple(found), (), path.as_posix())
    new_files = [(path.as_posix(), "helper")]
    exported = path.as_posix()
    if path.name != "__init__.py" and path.parent.parts and not (root / path.parent).exists():
        new_files.append(((path.parent / "__init__.py").as_posix(), "package"))  # a new package re-exports them
        exported = (path.parent / "__init__.py").as_posix()
    modules = [*found, ("wait_for_condition", exported), ("wait_for_condition_sync", exported)]
    return HelperPlace(tuple(modules), tuple(new_files), path.as_posix())


def _existing_helpers(root: Path, setting: str) -> list[tuple[str, str]]:
    """(name, module file from the root) of the helper functions the project defines, nearest the
    configured module first."""
    found = []
    for path in _helper_candidates(root, setting):
        found += [(name, path.relative_to(root).as_posix()) for name in helpers_defined(path)]
    return found


def helpers_defined(path: Path) -> list[str]:
    """The helper functions the module at `path` defines: an async `wait_for_condition`, a
    `wait_for_condition_sync`, each taking `timeout_ms`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    if "wait_for_condition" not in text:
        return []
    return [name for is_async, name, params in HELPER_DEF.findall(text)
            if "timeout_ms" in params and bool(is_async) == (name == "wait_for_condition")]  # fmt: skip


def _helper_candidates(root: Path, setting: str):
    configured = root / setting
    if configured.is_file():
        yield configured
    seen = 0
    for folder in [root / name for name in TESTS_FOLDERS if (root / name).is_dir()]:
        for directory, subfolders, files in os.walk(folder):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith((".", "__pycache__")))
            for name in sorted(files):
                where = os.path.join(os.path.relpath(directory, folder), name)
                if name.endswith(".py") and any(word in where for word in HELPER_FILE_WORDS):
                    seen += 1
                    if seen > MAX_HELPER_SCAN:
                        return
                    yield Path(directory) / name


def _free_helper_path(root: Path, setting: str) -> Path:
    """`setting` unless a part of it would shadow an existing module or package (`tests/test_utils.py`
    beside a new `tests/test_utils/`), else the first free name of FALLBACK_HELPER_NAMES in its top folder."""
    wanted = Path(setting)
    if not _shadows(root, wanted):
        return wanted
    folder = Path(wanted.parts[0]) if len(wanted.parts) > 1 else Path()
    for name in FALLBACK_HELPER_NAMES:
        candidate = folder / name
        if not _shadows(root, candidate) and not (root / candidate).exists():
            return candidate
    return folder / f"tclint_wait_{len(list((root / folder).glob('tclint_wait*')))}.py"


def _shadows(root: Path, path: Path) -> bool:
    """Whether creating `path` would put a package beside a module of the same name (or a module beside
    a package), so that one hides the other."""
    for depth in range(1, len(path.parts)):
        folder = root.joinpath(*path.parts[:depth])
        if not folder.exists() and folder.with_suffix(".py").exists():
            return True
    target = root / path
    return not target.exists() and target.with_suffix("").is_dir()


@dataclass(frozen=True)
class Collection:
    """Which files, classes and functions pytest collects: `python_files`, `python_classes` and
    `python_functions` from the project's pytest configuration, pytest's defaults where it sets none;
    and the marks it registers."""

    files: tuple[str, ...] = PYTEST_COLLECTION_DEFAULTS["python_files"]
    classes: tuple[str, ...] = PYTEST_COLLECTION_DEFAULTS["python_classes"]
    functions: tuple[str, ...] = PYTEST_COLLECTION_DEFAULTS["python_functions"]
    marks: tuple[str, ...] = ()  # the marks the configuration registers (its `markers`)
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
    found = _pytest_config(root)
    if found is None:
        return Collection()
    path, options = found
    return Collection(
        files=_args(options.get("python_files"), Collection.files),
        classes=_args(options.get("python_classes"), Collection.classes),
        functions=_args(options.get("python_functions"), Collection.functions),
        marks=_registered_marks(options.get("markers")),
        source=str(path),
    )


def _pytest_config(root: Path) -> tuple[Path, dict] | None:
    """The pytest configuration file pytest would use from `root` and its options: the first directory,
    from `root` upwards, holding a file that configures pytest."""
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
                return path, options
    return None


def pytest_imports(root: Path) -> PytestImports:
    """`pythonpath` and the import mode of the pytest configuration pytest would use from `root`
    (pytest's defaults when there is none, or when it cannot be read: its own lint says so)."""
    try:
        found = _pytest_config(root)
    except PytestConfigError:
        found = None
    if found is None:
        return PytestImports()
    path, options = found
    folders = tuple(os.path.normpath(path.parent / entry) for entry in _args(options.get("pythonpath"), ()))
    mode = "prepend"
    addopts = list(_args(options.get("addopts"), ()))
    for index, option in enumerate(addopts):
        if option.startswith("--import-mode="):
            mode = option.partition("=")[2]
        elif option == "--import-mode" and index + 1 < len(addopts):
            mode = addopts[index + 1]
    return PytestImports(folders, mode)


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


def _registered_marks(value: object) -> tuple[str, ...]:
    """The mark names of a `markers` option (pytest's `linelist`): each line is `name(args): help`."""
    lines = value.splitlines() if isinstance(value, str) else value if isinstance(value, list) else []
    names = (line.split(":", 1)[0].split("(", 1)[0].strip() for line in lines if isinstance(line, str))
    return tuple(name for name in names if name)


def _args(value: object, default: tuple[str, ...]) -> tuple[str, ...]:
    """An option of pytest's `args` type: a TOML list, or a string split like a shell line."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    if isinstance(value, str):
        return tuple(shlex.split(value))
    return default
