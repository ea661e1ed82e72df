"""TCL104 container-fixture-duplicated: one test session starts the same service twice.

A project-wide rule: it reads the facts every file's walk left behind (fixtures, their scopes and the
containers they start) once all files are in; nothing is parsed again.
"""

from __future__ import annotations

from collections import defaultdict

from tclint.catalog import PROJECT
from tclint.diagnostics import Diagnostic
from tclint.engine.rule import Described
from tclint.facts import FileFacts, FixtureFact, fixture_namespace

SHARED_SCOPES = ("module", "package", "session")
SHARED_SESSION = ("package", "session")  # a module-scoped fixture is one per module wherever it is registered
NAMED_OTHERS = 3  # a message names this many of the other fixtures: n messages of n names each would be n² text
LOCALSTACK = "testcontainers.localstack.LocalStackContainer"


class ContainerFixtureDuplicated(Described):
    name = "container-fixture-duplicated"
    kind = PROJECT

    @classmethod
    def check_project(cls, files: list[FileFacts]) -> list[Diagnostic]:
        groups: dict[tuple, list[tuple[str, FixtureFact]]] = defaultdict(list)
        for facts in files:
            for fixture in facts.fixtures:
                if fixture.container is not None and fixture.scope in SHARED_SCOPES:
                    groups[cls.key(fixture.container)].append((facts.path, fixture))
        diagnostics = [cls.registered_diagnostic(path, fixture, modules) for path, fixture, modules in Registrations(files).repeated()]
        for key, members in groups.items():
            if len(members) < 2:
                continue
            members.sort(key=lambda member: (member[0], member[1].line))  # files arrive in any order
            localstack = key[0] == LOCALSTACK and len({fixture.container for _, fixture in members}) > 1
            services = sorted({service for _, member in members for service in member.services}) if localstack else None
            for path, fixture in members:
                diagnostics.append(cls.diagnostic(path, fixture, members, services))
        return diagnostics

    @staticmethod
    def key(signature: tuple) -> tuple:
        """LocalStack fixtures that differ only in `with_services(...)` can be one container."""
        qualname, arguments, calls = signature
        if qualname == LOCALSTACK:
            return qualname, arguments, tuple(call for call in calls if not call.startswith("with_services("))
        return signature

    @classmethod
    def diagnostic(cls, path: str, fixture: FixtureFact, members, services: list[str] | None) -> Diagnostic:
        """`services`: for LocalStack fixtures that differ only in them, all their services."""
        others = cls.others(fixture, members)
        if services is not None:
            message = (
                f"LocalStack fixture `{fixture.name}` differs from {others} only in its services: "
                f"one container can serve them all (`with_services({', '.join(repr(s) for s in services)})`)"
            )
        else:
            message = (
                f"Fixture `{fixture.name}` starts the same container as {others}: "
                f"one test session starts it {len(members)} times"
            )
        info = cls.info()
        return Diagnostic(path, fixture.line, fixture.column, fixture.line, fixture.column, info.code, info.name, message)

    @classmethod
    def registered_diagnostic(cls, path: str, fixture: FixtureFact, modules: list[str]) -> Diagnostic:
        shown = ", ".join(f"`{module}`" for module in modules[:NAMED_OTHERS])
        more = len(modules) - NAMED_OTHERS
        message = (
            f"Fixture `{fixture.name}` is registered by {len(modules)} modules ({shown}"
            f"{f' and {more:,} more' if more > 0 else ''}): pytest makes a separate {fixture.scope} fixture of each "
            f"import, so one run starts its container {len(modules)} times; import it in the one `conftest.py` they share"
        )
        info = cls.info()
        return Diagnostic(path, fixture.line, fixture.column, fixture.line, fixture.column, info.code, info.name, message)

    @staticmethod
    def others(fixture: FixtureFact, members) -> str:
        """The first few of the other fixtures, and how many more: constant work per message."""
        named = []
        for path, other in members:
            if other is not fixture:
                named.append(f"`{other.name}` ({path}:{other.line})")
                if len(named) == NAMED_OTHERS:
                    break
        more = len(members) - 1 - len(named)
        return ", ".join(named) + (f" and {more:,} more" if more else "")


class Registrations:
    """Where pytest registers each container fixture: its own module when pytest reads that module's
    fixtures (a `conftest.py` or a test module), and every such module that imports it, by name or with
    a star import, directly or through modules that re-export it. Each registration is a fixture of its
    own, with its own container, even at session scope."""

    def __init__(self, files: list[FileFacts]) -> None:
        self.files = {normalized(facts.path): facts for facts in files}
        self._visible: dict[str, dict[str, tuple[str, FixtureFact]]] = {}

    def repeated(self):
        """(path, fixture, registering modules) for each shared container fixture registered twice or more."""
        if not any(f.container is not None and f.scope in SHARED_SESSION for facts in self.files.values() for f in facts.fixtures):
            return
        registered: dict[tuple[str, str], list[str]] = defaultdict(list)
        for path, facts in self.files.items():
            if not facts.collected:
                continue
            for name, (home, fixture) in self.visible(path).items():
                if fixture.container is not None and fixture.scope in SHARED_SESSION and self.starts_here(facts, path, home, name):
                    registered[(home, name)].append(facts.path)
        for (home, name), modules in sorted(registered.items()):
            if len(modules) > 1:
                yield self.files[normalized(home)].path, next(f for f in self.files[normalized(home)].fixtures if f.name == name), sorted(modules)

    def starts_here(self, facts: FileFacts, path: str, home: str, name: str) -> bool:
        """A `conftest.py` serves every test below it; a test module's copy runs only if the module asks for
        it, directly or through the fixtures visible there."""
        if facts.path.replace("\\", "/").endswith("conftest.py") or (path == home and name in facts.requested):
            return True
        wanted, seen = set(facts.requested), set()
        visible = self.visible(path)
        while wanted - seen:
            current = (wanted - seen).pop()
            seen.add(current)
            if current == name:
                return True
            if current in visible:
                wanted.update(visible[current][1].params)
        return False

    def visible(self, path: str) -> dict[str, tuple[str, FixtureFact]]:
        """The fixtures in a module's namespace: its own and those it imports, with the module defining each."""
        return fixture_namespace(path, lambda source: self.files.get(normalized(source)), self._visible)


def normalized(path: str) -> str:
    return path.replace("\\", "/")
