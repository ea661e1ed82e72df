"""The project as a run sees it: the files to lint with the rules that apply to each, the fixtures
that the conftest.py files above a file lend it (those they define, those they import from project
modules by name or with `*`, and those of the modules their `pytest_plugins` name), and the facts of the
project modules a file imports (constants, container classes, helpers that start containers). Imports
resolve in one place (`ModuleFinder`): each file's facts carry the project files their imports name.

Built in two phases. Discovery, up front: the files, their rules, and every conftest.py above them.
Then the conftest facts, fed in as the run lints the conftest.py files, shallowest first, before any
other file. A conftest.py that is not linted itself (it is above the paths given) is read through
`read_conftest` when a file below it first needs its fixtures, not before: a one-file run on a file
that needs no parsing parses nothing. A project module a file imports is read through `read_module` when
the file first needs the facts of its imports (before its own lint or cache check); a module caught in an
import cycle with the file asking is left out of that file's facts, so the result depends only on the
import graph and the order of the run.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tclint.catalog import RuleInfo
from tclint.discovery import discover
from tclint.facts import FileFacts, FixtureFact, ProjectFacts, fixture_namespace
from tclint.files import digest
from tclint.project import PythonProject, project_root_of, pytest_imports, python_project
from tclint.settings import Settings

CONFTEST = "conftest.py"


@dataclass
class SourceFile:
    path: Path
    display: str
    key: str  # absolute path
    rules: tuple[str, ...]
    stat: os.stat_result | None = None
    digest: str = ""  # of the bytes linted
    facts_only: bool = False  # a conftest.py above the linted files or a module they import, read for its facts
    imports: tuple[str, ...] | None = None  # the modules its import statements name (None: not known yet)

    @property
    def is_conftest(self) -> bool:
        return os.path.basename(self.key) == CONFTEST

    @property
    def entry(self) -> str:
        """Its cache entry: a file of the run read for its facts alone has one of its own."""
        return self.key + "::facts" if self.facts_only else self.key

    @property
    def depth(self) -> int:
        return len(Path(self.key).parts)


def display_path(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path.as_posix()
    return Path(relative).as_posix() if not relative.startswith("..") else Path(os.path.abspath(path)).as_posix()


def display_entry(path: Path) -> str:
    """display_path, with a trailing / for a folder."""
    return display_path(path) + ("/" if path.is_dir() else "")


def rules_for(path: Path, settings: Settings, enabled: tuple[RuleInfo, ...]) -> tuple[str, ...]:
    """The enabled rules, minus those `per-file-ignores` turns off for this path."""
    if not settings.per_file_ignores:
        return tuple(rule.name for rule in enabled)
    import pathspec

    from tclint.settings import selector_matches

    try:
        relative = path.absolute().relative_to(settings.project_root.absolute()).as_posix()
    except ValueError:
        relative = path.as_posix()
    ignored = [
        selector
        for pattern, selectors in settings.per_file_ignores
        if pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(relative)
        for selector in selectors
    ]
    return tuple(rule.name for rule in enabled if not any(selector_matches(s, rule) for s in ignored))


class ProjectIndex:
    def __init__(self, paths: list[str], settings: Settings, force_exclude: bool = False, files: list[Path] | None = None) -> None:
        """The files to lint: discovered from `paths`, or `files` as given (the file an editor holds need
        not exist, nor be one discovery would find)."""
        self.notes: list[tuple[str, str]] = []  # (path, why discovery left it out), for --verbose
        if files is None:
            found, path_errors = discover(paths, settings, force_exclude, lambda path, why: self.notes.append((display_entry(path), why)))
        else:
            found, path_errors = files, []
        enabled = settings.enabled_rules()
        self.errors = [(error.path, error.message) for error in path_errors]
        self.files = [SourceFile(path, display_path(path), str(path.absolute()), rules_for(path, settings, enabled)) for path in found]
        self.unlinted = {item.key: item for item in _unlinted_conftests(self.files, settings)}
        self.read_conftest: Callable[[SourceFile], None] = lambda item: None  # the run lints it and calls add_facts
        self.read_module: Callable[[SourceFile], None] = lambda item: None  # the run reads it and calls add_facts
        self.modules = ModuleFinder(settings.project_root, pytest_imports(settings.project_root).pythonpath)
        self._loaded: set[str] = set()
        self._conftest_facts: dict[str, FileFacts] = {}
        self._module_facts: dict[str, FileFacts] = {}  # every file whose facts the run knows, by key
        self._keys: dict[str, str] = {}  # the key of each file by the path the run shows it by
        self._by_key = {item.key: item for item in self.files}
        self._reading: set[str] = set()  # modules whose imports are being read (an import cycle stops here)
        self._projects: dict[tuple, tuple[ProjectFacts, str]] = {}  # by folder and imported modules
        self._container_words: dict[tuple[str, bool], re.Pattern[bytes] | None] = {}  # by project digest
        self._settings = settings
        self._roots: dict[str, Path] = {}  # the Python project root of each folder
        self._python: dict[Path, PythonProject] = {}  # by project root, as the run started
        self._fixture_names: dict[str, frozenset[bytes]] = {}  # by conftest.py path, see _fixture_names_of
        self._module_words: dict[str, tuple[frozenset[bytes], bool, tuple[str, ...], frozenset[str]] | None] = {}  # by path
        self._names: dict[str, bool] = {}  # by path, see _names_container
        self._lends: dict[str, bool] = {}  # by path, see _lends_fixtures
        self._container_word = _container_word(settings)

    def batches(self) -> list[list[SourceFile]]:
        """The linted conftest.py files, a batch per depth, shallowest first; then every other file."""
        conftests = [item for item in self.files if item.is_conftest]
        by_depth = [[item for item in conftests if item.depth == depth] for depth in sorted({item.depth for item in conftests})]
        return [*by_depth, [item for item in self.files if not item.is_conftest]]

    def add_facts(self, item: SourceFile, facts: FileFacts) -> FileFacts:
        """Keep a file's facts, with the path this run shows it by and the project files its imports name
        (`FileFacts.sources`) and its `pytest_plugins` name (`FileFacts.plugin_files`); those facts are what the
        run keeps too."""
        facts = dataclasses.replace(facts, path=item.display, sources=self._sources(item.key, facts), plugin_files=self._plugin_files(item.key, facts))
        self._keys[item.display] = item.key
        if item.is_conftest:
            self._conftest_facts[item.key] = facts
        self._module_facts[item.key] = facts
        self._projects.clear()
        return facts

    def _sources(self, key: str, facts: FileFacts) -> tuple[tuple[str, str], ...]:
        modules = tuple(dict.fromkeys(module for module, _ in facts.imports))
        return tuple((module, self._shown(path)) for module, path in self.modules.resolve(modules, os.path.dirname(key)))

    def _plugin_files(self, key: str, facts: FileFacts) -> tuple[str, ...]:
        """The project files its `pytest_plugins` names, found as pytest imports them (absolute names)."""
        return tuple(self._shown(path) for path in self.modules.files_for(facts.plugins, os.path.dirname(key), absolute=True)) if facts.plugins else ()

    def _shown(self, path: str) -> str:
        """The path the run shows a project file by (which `FileFacts.path` holds)."""
        shown = display_path(Path(path))
        self._keys[shown] = path
        return shown

    def project_for(self, item: SourceFile, modules: bool = True) -> tuple[ProjectFacts, str]:
        """The facts of the conftest.py files above the file (its own folder's too, unless it is that
        conftest.py), nearest first, each followed by the modules its `pytest_plugins` names; the facts
        of the project modules the file imports (unless `modules` is false); and their digest."""
        start = _start_dir(item)
        self._read_unlinted_above(start)
        imported = self._imported_modules(item) if modules else ()
        known = self._projects.get((start, imported))
        if known is None:
            asking = item.key not in self._reading
            self._reading.add(item.key)  # a conftest.py that imports this file's fixtures does not lend it them
            try:
                above, partial = self._conftest_fixtures(start)
            finally:
                if asking:
                    self._reading.discard(item.key)
            lent = tuple(self._module_facts[key] for key in dict.fromkeys(key for _, key in imported) if key in self._module_facts)
            names = tuple((module, self._shown(key)) for module, key in imported)
            project = ProjectFacts(tuple(above), python=self._python_project(start), modules=lent, names=names)
            known = (project, digest(project.key().encode()))
            if not partial:
                self._projects[(start, imported)] = known
        return known

    def _conftest_fixtures(self, start: str) -> tuple[list[FileFacts], bool]:
        """The facts of the conftest.py files above a folder, nearest first, each followed by the fixtures
        it imports from project modules and the modules its `pytest_plugins` names; and whether a module
        being read (an import cycle) was left out, which makes the answer one for this file alone."""
        above: list[FileFacts] = []
        skipped: set[str] = set()
        for path in _conftests_above(start):
            if path in self._conftest_facts:
                facts = self._conftest_facts[path]
                above.append(facts)
                above += self._imported_fixtures(path, skipped)
                above += self._plugins(facts, os.path.dirname(path))
        return above, bool(skipped)

    def _imported_fixtures(self, key: str, skipped: set[str]) -> list[FileFacts]:
        """The fixtures a conftest.py imports from project modules, by name or with `*`, directly or through
        modules that re-export them: pytest registers them as its own. One facts entry per module that
        defines some, holding those fixtures alone. A module being read (an import cycle) is left out and
        added to `skipped`."""
        conftest = self._module_facts[key]

        def facts_at(shown: str) -> FileFacts | None:
            path = self._keys.get(shown)
            if path is None or path == key:
                return conftest if path == key else None
            if path in self._reading:
                skipped.add(path)
                return None
            return self._facts_of(path) if self._lends_fixtures(path) else None

        by_home: dict[str, list[FixtureFact]] = {}
        def may_bind(shown: str, name: str) -> bool:
            path = self._keys.get(shown)
            read = self._names_and_imports(path) if path is not None else None
            if read is None:
                return True
            if name == "*" or name in read[3]:  # any fixture, or one the module imports and re-exports
                return self._lends_fixtures(path)
            return read[1] and name.encode() in read[0]  # one the module defines

        for home, fixture in fixture_namespace(conftest.path, facts_at, may_bind=may_bind).values():
            if home != conftest.path:
                by_home.setdefault(home, []).append(fixture)
        return [FileFacts(home, tuple(fixtures)) for home, fixtures in by_home.items()]

    def _python_project(self, folder: str) -> PythonProject:
        """The Python project a folder's files belong to: versions, and where the wait helper goes."""
        settings = self._settings
        root = self._roots.get(folder)
        if root is None:
            root = self._roots[folder] = project_root_of(Path(folder), settings.project_root.absolute())
        if root not in self._python:
            self._python[root] = python_project(root, settings.wait_helper, settings.version_override())
        return self._python[root]

    def _imported_modules(self, item: SourceFile) -> tuple[tuple[str, str], ...]:
        """(module as written, key) of the project modules the file imports whose facts are known, read
        first if needed."""
        if not item.imports:
            return ()
        asking = item.key not in self._reading
        self._reading.add(item.key)
        try:
            found = []
            for module, path in self.modules.resolve(item.imports, os.path.dirname(item.key)):
                if path == item.key or path in self._reading:
                    continue
                if item.facts_only and not self._names_container(path):
                    continue  # see _names_container
                if self._facts_of(path) is not None:
                    found.append((module, path))
            return tuple(found)
        finally:
            if asking:
                self._reading.discard(item.key)

    def _plugins(self, facts: FileFacts, directory: str, seen: frozenset[str] = frozenset()) -> list[FileFacts]:
        """The facts of the modules `pytest_plugins` names (and of those they name in turn)."""
        found = []
        for path in self.modules.files_for(facts.plugins, directory, absolute=True):
            plugin = self._facts_of(path, lint_early=False) if path not in seen and path not in self._reading else None
            if plugin is not None:
                found.append(plugin)
                found += self._plugins(plugin, directory, seen | {path})
        return found

    def _facts_of(self, path: str, lint_early: bool = True) -> FileFacts | None:
        """The facts of a module, read now if needed. A file of the run that a file imports is linted now
        (`lint_early`); a plugin is read for its facts alone: its own lint needs its sibling plugins'
        facts, which may be the ones being read."""
        if path not in self._module_facts and path not in self._loaded:
            self._loaded.add(path)
            item = self._by_key.get(path) if lint_early else None
            item = item or SourceFile(Path(path), display_path(Path(path)), path, (), facts_only=True)
            self._reading.add(path)
            try:
                self.read_module(item)
            finally:
                self._reading.discard(path)
        return self._module_facts.get(path)

    def container_words(self, item: SourceFile, source: bytes, fixtures: bool = True) -> re.Pattern[bytes] | None:
        """The names that lead to a container, as a pattern: the fixtures of the conftest.py files above
        the file (with `fixtures`; not read when the file holds no name a fixture of theirs can have), and
        what the project modules it imports define."""
        from tclint.worker import container_words

        fixtures = fixtures and self._may_use_fixtures_above(item, source)
        modules = self.imports_project(item)
        if not fixtures and not modules:
            return None
        project, key = self.project_for(item, modules=modules)
        if (key, fixtures) not in self._container_words:
            self._container_words[(key, fixtures)] = container_words(project, fixtures)
        return self._container_words[(key, fixtures)]

    def imports_project(self, item: SourceFile) -> bool:
        """Whether the file imports a module of the project (whose facts then count for it)."""
        return bool(item.imports) and bool(self.modules.files_for(item.imports, os.path.dirname(item.key)))

    def lends_to(self, item: SourceFile) -> bool:
        """Whether facts of other files may count for the file: it imports a module of the project, or a
        conftest.py is above it."""
        above = _conftests_above(_start_dir(item))
        return self.imports_project(item) or any(path in self.unlinted or path in self._by_key for path in above)

    def _may_use_fixtures_above(self, item: SourceFile, source: bytes) -> bool:
        for path in _conftests_above(_start_dir(item)):
            conftest = self.unlinted.get(path) or (path if path in self._conftest_facts else None)
            if conftest is None:
                continue
            names = self._fixture_names_of(path)
            if names is None or any(name in source for name in names):
                return True  # a conftest.py that cannot be read: its own read reports the error
        return False

    def _fixture_names_of(self, path: str) -> frozenset[bytes] | None:
        """Every name a fixture of the module can have, its own or one it imports from a project module,
        through modules that re-export them (read from the bytes, see `fixture_names_in`); None when the
        module cannot be read."""
        if path not in self._fixture_names:
            read = self._names_and_imports(path)
            if read is None:
                return None
            names, pending, seen = set(read[0]), list(read[2]), {path, *read[2]}
            while pending:
                imported = self._names_and_imports(pending.pop())
                if imported is not None:
                    names |= imported[0]
                    pending += [module for module in imported[2] if module not in seen]
                    seen.update(imported[2])
            self._fixture_names[path] = frozenset(names)
        return self._fixture_names[path]

    def may_reexport_fixtures(self, item: SourceFile) -> bool:
        """Whether a module imports, directly or through the modules it imports, a project module whose
        bytes mention a fixture (which it may then lend the conftest.py that imports it)."""
        read = self._names_and_imports(item.key)
        return read is not None and any(self._lends_fixtures(module) for module in read[2] if module != item.key)

    def _lends_fixtures(self, path: str) -> bool:
        """Whether a module's bytes mention a fixture, or those of a project module it imports, directly or
        through others. Only such modules can put a fixture in a conftest.py's namespace."""
        known = self._lends.get(path)
        if known is not None:
            return known
        pending, seen = [path], {path}
        while pending:
            read = self._names_and_imports(pending.pop())
            if read is None:
                continue
            if read[1] or any(self._lends.get(module) for module in read[2]):
                self._lends[path] = True
                return True
            for module in read[2]:
                if module not in seen and self._lends.get(module) is not False:
                    seen.add(module)
                    pending.append(module)
        for module in seen:  # each reaches only modules of this search, none of which mentions a fixture
            self._lends[module] = False
        return False

    def _names_container(self, path: str) -> bool:
        """Whether a module's bytes name testcontainers or a configured container class. A module read
        for its facts alone follows only imports of such modules: what it lends other files (container
        classes, helpers that start containers or build clients over them) comes from them, and
        following every import would read the whole import graph of a large project for one test file
        (a module's view depends only on its own imports, not on the order of the run)."""
        known = self._names.get(path)
        if known is not None:
            return known
        try:
            with open(path, "rb") as file:
                source = file.read()
        except OSError:
            source = b""
        self._names[path] = self._container_word.search(source) is not None
        return self._names[path]

    def _names_and_imports(self, path: str) -> tuple[frozenset[bytes], bool, tuple[str, ...], frozenset[str]] | None:
        """From a module's bytes: the names its own fixtures can have, whether it may define a fixture at all
        (it mentions `fixture` and pytest), the project modules it imports, and the last part of every name
        its imports may bind."""
        from tclint.worker import fixture_names_in

        if path not in self._module_words:
            try:
                with open(path, "rb") as file:
                    source = file.read()
            except OSError:
                self._module_words[path] = None
            else:
                modules = imports_in(source)
                imported = self.modules.files_for(modules, os.path.dirname(path))
                bound = frozenset(module.rsplit(".", 1)[-1] for module in modules)
                defines = b"fixture" in source and b"pytest" in source  # pytest's or pytest_asyncio's decorator
                self._module_words[path] = (fixture_names_in(source), defines, imported, bound)
        return self._module_words[path]

    def _read_unlinted_above(self, start: str) -> None:
        pending = [self.unlinted[path] for path in _conftests_above(start) if path in self.unlinted and path not in self._loaded]
        for conftest in sorted(pending, key=lambda item: item.depth):
            self._loaded.add(conftest.key)
            self.read_conftest(conftest)


def _container_word(settings: Settings) -> re.Pattern[bytes]:
    """`testcontainers`, or the name of a configured container class (`container-classes`)."""
    words = [b"testcontainers"] + [pattern.rsplit(".", 1)[-1].replace("*", "").encode() for pattern in settings.container_classes]
    return re.compile(b"|".join(re.escape(word) for word in words if word))


IMPORTS = re.compile(rb"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t(\\]+([\w, \t]*)|import[ \t]+([\w., \t]+))", re.MULTILINE)


def imports_in(source: bytes) -> tuple[str, ...]:
    """The modules a file's import statements may name, read from its bytes (no parse): `a.b` for
    `import a.b` and `from a.b import c`, and `a.b.c` too in case `c` is a module; relative ones keep
    their dots. Import lines in strings count too: a module too many is only a module read for nothing."""
    found: dict[str, None] = {}
    for source_module, names, plain in IMPORTS.findall(source):
        if plain:
            for part in plain.decode("ascii", "replace").split(","):
                name = part.split()[0] if part.split() else ""
                found[name] = None
            continue
        module = source_module.decode("ascii", "replace")
        if module.strip("."):
            found[module] = None
        for part in names.decode("ascii", "replace").split(","):
            words = part.split()
            if words and words[0].isidentifier():
                found[module + ("" if module.endswith(".") else ".") + words[0]] = None
    return tuple(name for name in found if name)


class ModuleFinder:
    """Which file of the project an import names, found as Python finds it in a pytest run (`prepend`
    import mode): a relative import from the importing file's folder; an absolute one on the import path
    pytest builds for the file: the folder above the file's top package (its basedir, inserted first),
    the basedirs of the conftest.py files above it (nearest first), the folders of pytest's `pythonpath`
    option, then the file's Python project root and the run's project root, each followed by its `src/`
    (an installed src layout). The first folder where the top-level name is a regular package or a
    module decides; a folder without `__init__.py` is one portion of a namespace package, searched in
    order when no folder decides. Only files under the project root count. Folders are listed once."""

    def __init__(self, root: Path, pythonpath: tuple[str, ...] = ()) -> None:
        self.root = str(root.absolute())
        self.pythonpath = pythonpath
        self._listings: dict[str, frozenset[str]] = {}
        self._found: dict[tuple, tuple[tuple[str, str], ...]] = {}
        self._import_paths: dict[str, tuple[str, ...]] = {}

    def files_for(self, modules: tuple[str, ...], directory: str, absolute: bool = False) -> tuple[str, ...]:
        """The project files the modules name, each once."""
        return tuple(dict.fromkeys(path for _, path in self.resolve(modules, directory, absolute)))

    def resolve(self, modules: tuple[str, ...], directory: str, absolute: bool = False) -> tuple[tuple[str, str], ...]:
        """(module as written, its file) for each module that is a file of the project, imported from a
        file in `directory` (`absolute`: leading dots do not make it relative, as for `pytest_plugins`)."""
        key = (modules, directory, absolute)
        if key not in self._found:
            found = []
            for module in modules:
                path = self._file_for(module, directory, absolute)
                if path is not None and (path + os.sep).startswith(self.root + os.sep):
                    found.append((module, path))
            self._found[key] = tuple(found)
        return self._found[key]

    def _file_for(self, module: str, directory: str, absolute: bool) -> str | None:
        dots = len(module) - len(module.lstrip("."))
        parts = [part for part in module[dots:].split(".") if part]
        if dots and not absolute:
            base = directory
            for _ in range(dots - 1):
                base = os.path.dirname(base)
            return self._module_file(base, parts) if parts else None
        if not parts or not (directory + os.sep).startswith(self.root + os.sep):
            return None
        portions = []
        for base in self.import_path(directory):
            listing = self._listing(base)
            package = os.path.join(base, parts[0])
            if parts[0] in listing and "__init__.py" in self._listing(package):
                return self._module_file(base, parts)
            if parts[0] + ".py" in listing:
                return os.path.join(base, parts[0] + ".py") if len(parts) == 1 else None
            if parts[0] in listing and self._listing(package):
                portions.append(base)
        return next((found for base in portions if (found := self._module_file(base, parts)) is not None), None)

    def import_path(self, directory: str) -> tuple[str, ...]:
        """The folders an absolute import from a file in `directory` is looked up in, in order."""
        if directory not in self._import_paths:
            path = [self._basedir(directory)]
            folder = directory
            while True:
                if CONFTEST in self._listing(folder):
                    path.append(self._basedir(folder))
                if folder == self.root or os.path.dirname(folder) == folder:
                    break
                folder = os.path.dirname(folder)
            path += self.pythonpath
            for root in (str(project_root_of(Path(directory), Path(self.root))), self.root):
                path += [root, os.path.join(root, "src")]
            self._import_paths[directory] = tuple(dict.fromkeys(path))
        return self._import_paths[directory]

    def _basedir(self, directory: str) -> str:
        """The folder above the top package holding `directory` (itself when it is no package)."""
        while "__init__.py" in self._listing(directory) and os.path.dirname(directory) != directory:
            directory = os.path.dirname(directory)
        return directory

    def _module_file(self, base: str, parts: list[str]) -> str | None:
        for part in parts[:-1]:
            if part not in self._listing(base):
                return None
            base = os.path.join(base, part)
        listing = self._listing(base)
        if parts[-1] in listing and "__init__.py" in self._listing(os.path.join(base, parts[-1])):
            return os.path.join(base, parts[-1], "__init__.py")
        if parts[-1] + ".py" in listing:
            return os.path.join(base, parts[-1] + ".py")
        return None

    def _listing(self, directory: str) -> frozenset[str]:
        if directory not in self._listings:
            try:
                self._listings[directory] = frozenset(os.listdir(directory))
            except OSError:
                self._listings[directory] = frozenset()
        return self._listings[directory]


def _start_dir(item: SourceFile) -> str:
    start = os.path.dirname(item.key)
    return os.path.dirname(start) if item.is_conftest else start


def _conftests_above(directory: str) -> list[str]:
    """conftest.py paths from the folder up to the file system's root, nearest first."""
    found = []
    while True:
        found.append(os.path.join(directory, CONFTEST))
        parent = os.path.dirname(directory)
        if parent == directory:
            return found
        directory = parent


def _unlinted_conftests(linted: list[SourceFile], settings: Settings) -> list[SourceFile]:
    """conftest.py files above the linted files, up to the project root, that are not linted themselves."""
    known = {item.key for item in linted}
    root = str(settings.project_root.absolute())
    visited: set[str] = set()
    extra = []
    for item in linted:
        directory = os.path.dirname(item.key)
        while directory not in visited:
            visited.add(directory)
            candidate = os.path.join(directory, CONFTEST)
            if candidate not in known and os.path.isfile(candidate):
                extra.append(SourceFile(Path(candidate), display_path(Path(candidate)), candidate, (), facts_only=True))
            parent = os.path.dirname(directory)
            if directory == root or parent == directory or not directory.startswith(root):
                break
            directory = parent
    return extra
