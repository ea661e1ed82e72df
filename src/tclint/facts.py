"""Facts a file's walk leaves behind for other files: what its fixtures are and what they start.

Plain data (no libcst), so that they pickle across processes and live in the cache. They serve the
cross-file rules and the rules that look at the fixtures a module gets from the `conftest.py` files
above it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from tclint.project import PythonProject


@dataclass(frozen=True)
class FixtureFact:
    name: str
    scope: str | None  # None: not a literal
    params: tuple[str, ...]
    container: tuple | None = None  # the signature of the container it starts, if it starts one
    services: tuple[str, ...] = ()  # LocalStack services it enables
    line: int = 0  # where it is defined (known for fixtures that start a container)
    ports: tuple[int, ...] = ()  # the ports its container's class exposes (a project class's own included)
    column: int = 0
    function: str = ""  # the name its module binds it to, when `name=` gives it another

    @property
    def bound_name(self) -> str:
        return self.function or self.name


@dataclass(frozen=True)
class ContainerClassFact:
    """A container class the project defines: a subclass of a testcontainers class or of another one."""

    name: str
    base: str  # the testcontainers class it derives from, qualified
    default_image: str | None
    ports: tuple[int, ...]
    waits_until_ready: bool
    has_init: bool = False  # it defines `__init__`: what it passes up is judged where it is defined


@dataclass(frozen=True)
class ComposeStackFact:
    """A Docker Compose stack the module builds: the fixture that hands it out ("" for none), the compose
    files it reads with the digest of their bytes ("" for a file that cannot be read), and their
    services: (name, image or None, ((published host port or None, internal port), ...), the file that
    names the image)."""

    holder: str
    files: tuple[tuple[str, str], ...]
    services: tuple[tuple[str, str | None, tuple[tuple[int | None, int], ...], str], ...]
    readable: bool
    root: str = ""


@dataclass(frozen=True)
class FileFacts:
    path: str
    fixtures: tuple[FixtureFact, ...] = ()
    container_classes: tuple[ContainerClassFact, ...] = ()
    constants: tuple[tuple[str, str | int | tuple], ...] = ()  # module-level names bound once to a string, an integer or a tuple of them
    plugins: tuple[str, ...] = ()  # the modules `pytest_plugins` names
    # functions that start or build a container: (name, its class, whether the function starts it)
    factories: tuple[tuple[str, str, bool], ...] = ()
    imports: tuple[tuple[str, str], ...] = ()  # module-level `from M import N`, M as written, N "*" for a star import
    requested: tuple[str, ...] = ()  # the names the module's tests and fixtures ask for as parameters
    collected: bool = False  # pytest reads its fixtures: a `conftest.py` or a test module
    # functions that return a client: (name, its type), or (name, its type, "part") for a part of one (`client["db"]`)
    clients: tuple[tuple[str, ...], ...] = ()
    compose: tuple[ComposeStackFact, ...] = ()  # the Docker Compose stacks it builds
    sources: tuple[tuple[str, str], ...] = ()  # the project files its imports name, as the project index found them: (module as written, path)
    exports: tuple[str, ...] | None = None  # the names its `__all__` lists; None when it defines no literal `__all__`
    marks: tuple[str, ...] = ()  # the pytest marks its `pytest_configure` hook registers
    # what its helper functions write into services: (function, ((what, name, verb), ...)), as engine/shared_state reads it
    writes: tuple[tuple[str, tuple[tuple[str, str | None, str | None], ...]], ...] = ()
    # module-level names its imports bind to absolute dotted names (`pytest`, `PostgresContainer`), star imports' included
    bound: tuple[tuple[str, str], ...] = ()
    # classes that hold a container and start / stop it in their methods: (name, starting methods, stopping methods)
    wrappers: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    plugin_files: tuple[str, ...] = ()  # the project files its `pytest_plugins` names, as the project index found them

    @classmethod
    def from_dict(cls, data: dict) -> FileFacts:
        """The facts back from `dataclasses.asdict` (the cache's JSON): lists become tuples again."""
        return cls(
            data["path"],
            tuple(FixtureFact(**{k: _tuples(v) for k, v in f.items()}) for f in data["fixtures"]),
            tuple(ContainerClassFact(**{k: _tuples(v) for k, v in c.items()}) for c in data.get("container_classes", ())),
            tuple(_tuples(pair) for pair in data.get("constants", ())),
            tuple(data.get("plugins", ())),
            tuple(_tuples(entry) for entry in data.get("factories", ())),
            tuple(_tuples(pair) for pair in data.get("imports", ())),
            tuple(data.get("requested", ())),
            data.get("collected", False),
            tuple(_tuples(pair) for pair in data.get("clients", ())),
            tuple(ComposeStackFact(**{k: _tuples(v) for k, v in c.items()}) for c in data.get("compose", ())),
            tuple(_tuples(pair) for pair in data.get("sources", ())),
            tuple(data["exports"]) if data.get("exports") is not None else None,
            tuple(data.get("marks", ())),
            tuple((name, tuple(tuple(item) for item in items)) for name, items in data.get("writes", ())),
            tuple(_tuples(pair) for pair in data.get("bound", ())),
            tuple(_tuples(entry) for entry in data.get("wrappers", ())),
            tuple(data.get("plugin_files", ())),
        )

    def names(self) -> set[str]:
        """Its names that other modules' rules can use: container classes, constants, helpers, fixtures."""
        entries = (*self.container_classes, *self.constants, *self.factories, *self.clients, *self.wrappers)
        return {entry.name if isinstance(entry, ContainerClassFact) else entry[0] for entry in entries} | {
            fixture.bound_name for fixture in self.fixtures}


@dataclass(frozen=True)
class ProjectFacts:
    """Fixtures of the `conftest.py` files above a module, nearest first (each followed by the modules its
    `pytest_plugins` names), the Python project the module belongs to (its root, versions and wait
    helper), and the facts of the project modules the module imports, with the module each import names."""

    conftests: tuple[FileFacts, ...] = ()
    python: PythonProject | None = None
    modules: tuple[FileFacts, ...] = ()
    names: tuple[tuple[str, str], ...] = ()  # (module as the file's imports write it, the path of its file)

    def imported(self, qualname: str) -> tuple[FileFacts, str] | None:
        """The facts of the project module that defines an imported name (`tests.containers.Minio`),
        and the name in it."""
        module, _, name = qualname.rpartition(".")
        facts = self.module_named(module)
        return (facts, name) if facts is not None else None

    def module_named(self, module: str) -> FileFacts | None:
        """The facts of the project module the file's import names (as written, relative ones with their
        dots), which the project index resolved to its file."""
        path = dict(self.names).get(module)
        return next((facts for facts in self.modules if facts.path == path), None) if path is not None else None

    def plugin_loader(self, path: str) -> FileFacts | None:
        """The conftest.py (or plugin) above a module whose `pytest_plugins` names it: pytest registers
        the module's fixtures for every test module there, as it does a conftest.py's own."""
        module = os.path.abspath(path)  # the whole path: a run from a subfolder shows a shorter one
        return next((facts for facts in self.conftests if any(os.path.abspath(file) == module for file in facts.plugin_files)), None)

    def fixture(self, name: str) -> FixtureFact | None:
        for conftest in self.conftests:
            for fixture in conftest.fixtures:
                if fixture.name == name:
                    return fixture
        return None

    def compose_stack(self, name: str) -> ComposeStackFact | None:
        """The Docker Compose stack a fixture of the conftest.py files (or of an imported module) hands out."""
        for facts in (*self.conftests, *self.modules):
            for stack in facts.compose:
                if stack.holder == name:
                    return stack
        return None

    def key(self) -> str:
        return repr((self.conftests, self.modules, self.python, self.names))

    def container_fixture_names(self) -> frozenset[str]:
        """The fixtures that start a container or depend on one that does (through other fixtures)."""
        fixtures = [fixture for conftest in self.conftests for fixture in conftest.fixtures]
        names = {fixture.name for fixture in fixtures if fixture.container is not None}
        names.update(stack.holder for conftest in self.conftests for stack in conftest.compose if stack.holder)
        grew = True
        while grew:
            grew = False
            for fixture in fixtures:
                if fixture.name not in names and names.intersection(fixture.params):
                    names.add(fixture.name)
                    grew = True
        return frozenset(names)


def fixture_namespace(path: str, facts_at: Callable[[str], FileFacts | None], known: dict | None = None,
                      _seen: frozenset[str] = frozenset(),
                      may_bind: Callable[[str, str], bool] | None = None) -> dict[str, tuple[str, FixtureFact]]:  # fmt: skip
    """The fixtures in a module's namespace, by name, each with the path of the module defining it: its own,
    and those its `from M import N` statements (N a name or `*`) bring from the project files the index
    found for them (`FileFacts.sources`), through modules that re-export them; a module already on the
    chain is left out. `facts_at(path)`: a module's facts, None when not known; `known`: answers kept
    across calls; `may_bind(path, name)`: false when the module cannot hold a fixture bound as `name`
    (`*`: any fixture), whose `from M import name` is then not followed."""
    if known is not None and path in known:
        return known[path]
    facts = facts_at(path)
    found: dict[str, tuple[str, FixtureFact]] = {}
    if facts is None:
        return found
    sources = dict(facts.sources)
    for module, name in facts.imports:
        source = sources.get(module)
        if source is None or source == path or source in _seen:
            continue
        if may_bind is not None and not may_bind(source, name):
            continue
        exported = fixture_namespace(source, facts_at, known, _seen | {path}, may_bind)
        if name == "*":
            lender = facts_at(source)
            found.update((n, lent) for n, lent in exported.items() if lender is not None and star_binds(lender, lent[1].bound_name))
        else:
            found.update((n, lent) for n, lent in exported.items() if lent[1].bound_name == name)
    found.update((fixture.name, (path, fixture)) for fixture in facts.fixtures)
    if known is not None:
        known[path] = found
    return found


def star_binds(facts: FileFacts, name: str) -> bool:
    """Whether `from <the module> import *` binds one of the module's names: those its `__all__` lists
    when it defines one, else those without a leading underscore."""
    return name in facts.exports if facts.exports is not None else not name.startswith("_")


def _tuples(value):
    """JSON lists as the tuples the facts hold (nested ones included)."""
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value
