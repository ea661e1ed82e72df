"""The Docker Compose stacks of a module: which compose files each `DockerCompose(...)` names (and the
files they include), and the services (images, published ports) of those files that the stack starts.

The folder a stack runs in is read from the call the way testcontainers uses it: `context` (4.x) or
`filepath` (3.x) is the folder `docker compose` runs in, relative to the folder pytest runs in (taken to
be the project root), and each `compose_file_name` is relative to that folder. Without a file name,
testcontainers 3.x reads `docker-compose.yml` and 4.x lets `docker compose` pick its default file. A
folder or file name tclint cannot evaluate, or a file it cannot read, leaves the stack unknown.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

import libcst as cst

from tclint.compose_file import DEFAULT_FILES, OVERRIDE_FILES, ComposeFile, Port, Service, merged, read_compose, stack_files, started
from tclint.engine.model import FunctionInfo, descendants, keyword_arg, literal_string
from tclint.engine.semantic import unwrap
from tclint.engine.versions import testcontainers_at_least
from tclint.facts import ComposeStackFact
from tclint.files import digest
from tclint.knowledge import COMPOSE_CLASSES

PATH_FUNCTIONS = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "os.fspath", "str", "pathlib.Path",
                            "pathlib.PurePath", "os.path.expanduser"})  # fmt: skip
PATH_METHODS = frozenset({"resolve", "absolute", "as_posix"})
LEGACY_DEFAULT = ("docker-compose.yml",)
UNREAD = object()  # an argument tclint cannot evaluate


@dataclass(frozen=True, eq=False)
class Stack:
    """A `DockerCompose(...)` call and what its compose files say (`services` None: unknown)."""

    files: tuple[tuple[str, str], ...]  # (absolute path, digest of its bytes; "" when it cannot be read)
    services: tuple[Service, ...] | None
    root: str  # the project root, which the files are shown relative to

    def shown(self, path: str) -> str:
        relative = os.path.relpath(path, self.root) if self.root else path
        return (relative if not relative.startswith("..") else path).replace(os.sep, "/")

    def serving(self, port: int) -> list[tuple[Service, Port]]:
        """The services that publish `port` on the host (or publish this internal port on a port Docker picks)."""
        found = []
        for service in self.services or ():
            for mapping in service.ports:
                if mapping.published == port or (mapping.published is None and mapping.target == port):
                    found.append((service, mapping))
        return found

    @property
    def ports(self) -> tuple[int, ...]:
        return tuple(sorted({port for service in self.services or () for mapping in service.ports
                             for port in [mapping.published if mapping.published is not None else mapping.target]}))  # fmt: skip

    def fact(self, holder: str) -> ComposeStackFact:
        services = tuple((s.name, s.image, tuple((p.published, p.target) for p in s.ports), s.source) for s in self.services or ())
        return ComposeStackFact(holder, self.files, services, self.services is not None, self.root)

    @classmethod
    def from_fact(cls, fact: ComposeStackFact) -> Stack:
        if not fact.readable:
            return cls(fact.files, None, fact.root)
        services = tuple(Service(name, image, tuple(Port(*pair) for pair in ports), source) for name, image, ports, source in fact.services)
        return cls(fact.files, services, fact.root)


_read: dict[tuple[str, int, int], tuple[str, ComposeFile | None]] = {}  # by path, mtime and size
INCLUDE_DEPTH = 8


def read_file(path: str) -> tuple[str, ComposeFile | None]:
    """(digest of the bytes, what the file says) of one compose file; ("", None) when it cannot be read."""
    try:
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns, stat.st_size)
        if key not in _read:
            with open(path, "rb") as file:
                data = file.read()
            try:
                compose = read_compose(data.decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                compose = None
            if compose is not None:
                compose = replace(compose, services=tuple(replace(service, source=path) for service in compose.services))
            _read[key] = (digest(data), compose)
        return _read[key]
    except OSError:
        return "", None


def load(files: tuple[str, ...], root: str, profiles: frozenset[str], targets: tuple[str, ...] | None) -> Stack:
    """The stack's files (those it names and those they include) and the services it starts (see
    `started`); the image of a service compose builds is the project's, not one pulled."""
    seen: list[tuple[str, str]] = []
    read = [tracked(path, seen) for path in files]
    services = None
    if read and all(compose is not None for compose in read):
        services = merged([compose.services for compose in read])
        services += included(list(zip(files, read)), {service.name for service in services}, seen, 0)
        services = tuple(replace(service, image=None) if service.built else service for service in started(services, profiles, targets))
    return Stack(tuple(dict.fromkeys(seen)), services, root)


def tracked(path: str, seen: list[tuple[str, str]]) -> ComposeFile | None:
    found, compose = read_file(path)
    seen.append((path, found))
    return compose


def included(files: list[tuple[str, ComposeFile]], defined: set[str], seen: list[tuple[str, str]], depth: int) -> tuple[Service, ...]:
    """The services the files' `include:` entries bring, recursively (paths relative to the including
    file's folder). Compose does not merge an included service with one already defined: it is left out,
    as is an entry whose files tclint cannot read."""
    found: list[Service] = []
    for path, compose in files if depth < INCLUDE_DEPTH else ():
        for entry in compose.includes:
            paths = [os.path.normpath(os.path.join(os.path.dirname(path), name)) for name in entry]
            read = [tracked(name, seen) for name in paths]
            if None in read:
                continue
            services = [service for service in merged([each.services for each in read]) if service.name not in defined]
            defined.update(service.name for service in services)
            found += services
            found += included(list(zip(paths, read)), defined, seen, depth + 1)
    return tuple(found)


class ComposeStacks:
    """The stacks of one module, read when a rule or the module's facts first ask."""

    def __init__(self, model) -> None:
        self.model = model
        self.here = os.path.abspath(model.path)
        python = model.project.python
        self.root = python.root if python is not None else ""
        self._stacks: dict[int, Stack | None] = {}
        self._fixtures: dict[str, Stack | None] = {}

    # -- a call, an expression -----------------------------------------------------------------------

    def stack_at(self, call: cst.Call, scope) -> Stack | None:
        if id(call) not in self._stacks:
            self._stacks[id(call)] = self._evaluate(call, scope)
        return self._stacks[id(call)]

    def construction(self, expr: cst.BaseExpression, scope) -> tuple[cst.Call, object] | None:
        """The `DockerCompose(...)` call an expression holds (through names, `with ... as` and
        `DockerCompose(...).waiting_for(...)`), with its scope."""
        origin = self.model.origin(expr, scope)
        value, scope = unwrap(origin.expr), origin.scope
        for _ in range(4):
            if not isinstance(value, cst.Call):
                return None
            if self.model.qualified(value.func) in COMPOSE_CLASSES:
                return value, scope
            if not (isinstance(value.func, cst.Attribute) and value.func.attr.value == "waiting_for"):
                return None
            origin = self.model.origin(value.func.value, scope)
            value, scope = unwrap(origin.expr), origin.scope
        return None

    def stack_of(self, expr: cst.BaseExpression, scope) -> Stack | None:
        """The stack an expression holds: built in this module, or handed out by a fixture (of this
        module, or of a conftest.py or project module, from the project index)."""
        found = self.construction(expr, scope)
        if found is not None:
            return self.stack_at(*found)
        origin = self.model.origin(expr, scope)
        if origin.param is None or not isinstance(origin.scope, FunctionInfo):
            return None
        if not (origin.scope.fixture is not None or origin.scope.is_test):
            return None
        return self.fixture_stack(origin.param)

    def fixture_stack(self, name: str) -> Stack | None:
        if name not in self._fixtures:
            self._fixtures[name] = self._fixture_stack(name)
        return self._fixtures[name]

    def _fixture_stack(self, name: str) -> Stack | None:
        local = next((f for f in self.model.functions if f.fixture is not None and f.fixture.name == name), None)
        if local is not None:
            handed = self.handed_out(local)
            return self.stack_at(*handed) if handed is not None else None
        fact = self.model.project.compose_stack(name)
        return Stack.from_fact(fact) if fact is not None else None

    def handed_out(self, fixture: FunctionInfo) -> tuple[cst.Call, object] | None:
        for node in descendants(fixture.node.body):
            if isinstance(node, (cst.Return, cst.Yield)) and isinstance(node.value, cst.BaseExpression):
                found = self.construction(node.value, fixture)
                if found is not None:
                    return found
        return None

    def class_stacks(self, owner) -> dict[str, Stack]:
        """The stacks a class keeps (`cls.compose = DockerCompose(...)` in `setUpClass`, or in its body), by attribute."""
        found = {}
        for key, bindings in owner.bindings.items() if self.model.compose_calls else ():
            binding = bindings[-1] if bindings else None
            held = self.construction(binding.value, binding.scope) if binding is not None and binding.value is not None else None
            stack = self.stack_at(*held) if held is not None else None
            if stack is not None and stack.services is not None:
                found[key.removeprefix("self.")] = stack
        return found

    # -- the facts -----------------------------------------------------------------------------------

    def facts(self) -> tuple[ComposeStackFact, ...]:
        """Every stack the module builds, under the fixture that hands it out (or "" for the others)."""
        holders = {}
        for function in self.model.functions:
            if function.fixture is not None:
                handed = self.handed_out(function)
                if handed is not None:
                    holders[id(handed[0])] = function.fixture.name
        found = []
        for call, scope in self.model.compose_calls:
            stack = self.stack_at(call, scope)
            if stack is not None:
                found.append(stack.fact(holders.get(id(call), "")))
        return tuple(found)

    # -- evaluating the call -------------------------------------------------------------------------

    def _evaluate(self, call: cst.Call, scope) -> Stack | None:
        context = keyword_arg(call, "context") or keyword_arg(call, "filepath") or positional(call, 0)
        folder = self.path_of(context.value, scope) if context is not None else None
        if folder is None or not self.root and not os.path.isabs(folder):
            return None
        folder = os.path.normpath(os.path.join(self.root, folder))
        names_arg = keyword_arg(call, "compose_file_name") or positional(call, 1)
        if names_arg is None or is_none(names_arg.value):
            legacy = testcontainers_at_least(_Context(self.model.project), (4,)) is False
            names = LEGACY_DEFAULT if legacy else None
        else:
            names = self.names_of(names_arg.value, scope)
            if names is None:
                return None
        profiles = self.profiles_of(call, scope)
        targets = self.targets_of(call, scope)
        files = stack_files(folder, names)
        stack = load(files, self.root, profiles, targets) if files and targets is not UNREAD else Stack((), None, self.root)
        if names is None:  # a default file created (or an override file added) later changes which files it reads
            absent = tuple((path, "") for name in (*DEFAULT_FILES, *OVERRIDE_FILES) if (path := os.path.join(folder, name)) not in files)
            stack = Stack(stack.files + absent, stack.services, self.root)
        return stack

    def profiles_of(self, call: cst.Call, scope) -> frozenset[str]:
        """The profiles `profiles=[...]` enables (none when tclint cannot read them: their services are left out)."""
        given = keyword_arg(call, "profiles")
        value = self.model.origin(given.value, scope).expr if given is not None else None
        if not isinstance(value, (cst.List, cst.Tuple)):
            return frozenset()
        return frozenset(text for element in value.elements if (text := literal_string(element.value)) is not None)

    def targets_of(self, call: cst.Call, scope) -> tuple[str, ...] | None | object:
        """The services `services=[...]` names (the eighth parameter of 4.x; 3.x has none), None for all of
        them, UNREAD when tclint cannot read them."""
        if testcontainers_at_least(_Context(self.model.project), (4,)) is False:
            return UNREAD if keyword_arg(call, "services") is not None else None
        given = keyword_arg(call, "services") or positional(call, 7)
        value = self.model.origin(given.value, scope).expr if given is not None else None
        if value is None or is_none(value):
            return None
        if not isinstance(value, (cst.List, cst.Tuple)):
            return UNREAD
        names = tuple(literal_string(element.value) if not isinstance(element, cst.StarredElement) else None for element in value.elements)
        return UNREAD if None in names else names

    def names_of(self, expr: cst.BaseExpression, scope) -> tuple[str, ...] | None:
        value = self.model.origin(expr, scope).expr
        if isinstance(value, (cst.List, cst.Tuple)):
            names = [self.path_of(element.value, scope) for element in value.elements if not isinstance(element, cst.StarredElement)]
            return tuple(names) if names and len(names) == len(value.elements) and None not in names else None
        name = self.path_of(value, scope)
        return (name,) if name is not None else None

    def path_of(self, expr: cst.BaseExpression, scope, depth: int = 0) -> str | None:
        """The path an expression evaluates to: literals, `__file__`, `os.path` and `pathlib` operations,
        names followed to their value."""
        if depth > 8:
            return None
        text = literal_string(expr)
        if text is not None:
            return text
        if isinstance(expr, cst.Name):
            if expr.value == "__file__":
                return self.here
            origin = self.model.origin(expr, scope)
            return self.path_of(origin.expr, origin.scope, depth + 1) if origin.expr is not expr else None
        if isinstance(expr, cst.Attribute):
            if expr.attr.value == "parent":
                inner = self.path_of(expr.value, scope, depth + 1)
                return os.path.dirname(inner) if inner is not None else None
            origin = self.model.origin(expr, scope)
            return self.path_of(origin.expr, origin.scope, depth + 1) if origin.expr is not expr else None
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Divide, cst.Add)):
            left, right = self.path_of(expr.left, scope, depth + 1), self.path_of(expr.right, scope, depth + 1)
            if left is None or right is None:
                return None
            return os.path.join(left, right) if isinstance(expr.operator, cst.Divide) else left + right
        if isinstance(expr, cst.FormattedString):
            return self.formatted(expr, scope, depth)
        if isinstance(expr, cst.Subscript):
            return self.parents(expr, scope, depth)
        if isinstance(expr, cst.Call):
            return self.called(expr, scope, depth)
        return None

    def formatted(self, expr: cst.FormattedString, scope, depth: int) -> str | None:
        text = ""
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                text += part.value
            elif part.format_spec is None and part.conversion in (None, "s"):
                value = self.path_of(part.expression, scope, depth + 1)
                if value is None:
                    return None
                text += value
            else:
                return None
        return text

    def parents(self, expr: cst.Subscript, scope, depth: int) -> str | None:
        """`Path(__file__).parents[1]`."""
        base = expr.value
        if not (isinstance(base, cst.Attribute) and base.attr.value == "parents" and len(expr.slice) == 1):
            return None
        index = expr.slice[0].slice
        if not (isinstance(index, cst.Index) and isinstance(index.value, cst.Integer)):
            return None
        path = self.path_of(base.value, scope, depth + 1)
        for _ in range(int(index.value.evaluated_value) + 1 if path is not None else 0):
            path = os.path.dirname(path)
        return path

    def called(self, call: cst.Call, scope, depth: int) -> str | None:
        func = call.func
        if isinstance(func, cst.Attribute) and not call.args and func.attr.value in PATH_METHODS:
            inner = self.path_of(func.value, scope, depth + 1)
            return os.path.abspath(os.path.join(self.root, inner)) if inner is not None and func.attr.value != "as_posix" else inner
        if isinstance(func, cst.Attribute) and func.attr.value == "joinpath":
            parts = [self.path_of(func.value, scope, depth + 1), *(self.path_of(arg.value, scope, depth + 1) for arg in call.args)]
            return os.path.join(*parts) if None not in parts else None
        name = self.model.qualified(func) or (func.value if isinstance(func, cst.Name) else "")
        if any(arg.keyword is not None or arg.star for arg in call.args):
            return None
        parts = [self.path_of(arg.value, scope, depth + 1) for arg in call.args]
        if None in parts or not parts:
            return None
        if name == "os.path.dirname" and len(parts) == 1:
            return os.path.dirname(parts[0])
        if name == "os.path.join" or (name in ("pathlib.Path", "pathlib.PurePath") and len(parts) > 1):
            return os.path.join(*parts)
        if name in PATH_FUNCTIONS and len(parts) == 1:
            return parts[0] if name not in ("os.path.abspath", "os.path.realpath") else os.path.normpath(os.path.join(self.root, parts[0]))
        return None


@dataclass(frozen=True)
class _Context:
    """What `testcontainers_at_least` reads of a rule's context."""

    project: object


def is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def positional(call: cst.Call, index: int) -> cst.Arg | None:
    positionals = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return positionals[index] if index < len(positionals) else None
