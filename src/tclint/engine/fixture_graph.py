"""Which fixtures a module can use, and which of them lead to a container.

Fixtures come from the module itself and from the `conftest.py` files above it (their facts); a
module's own fixture overrides a conftest one of the same name, a nearer conftest a farther one.
"""

from __future__ import annotations

from dataclasses import dataclass

from tclint.engine.model import Model
from tclint.facts import ProjectFacts
from tclint.knowledge import CONTAINER_FIXTURE_SUFFIX, DERIVED_FIXTURE_SUFFIXES


@dataclass(frozen=True)
class KnownFixture:
    name: str
    scope: str | None
    params: tuple[str, ...]
    container: tuple | None  # the signature of the container it starts
    ports: tuple[int, ...] = ()  # the ports its container's class exposes


class FixtureGraph:
    def __init__(self, model: Model, project: ProjectFacts) -> None:
        self.fixtures: dict[str, KnownFixture] = {}
        for conftest in reversed(project.conftests):  # farthest first: nearer ones override
            for fact in conftest.fixtures:
                self.fixtures[fact.name] = KnownFixture(fact.name, fact.scope, fact.params, fact.container, fact.ports)
        for function in model.module_functions.values():
            if function.fixture is not None:
                started = model.containers_started_by(function)
                container = started[0][1].signature() if started else None
                self.fixtures[function.fixture.name] = KnownFixture(
                    function.fixture.name, function.fixture.scope, tuple(function.params), container,
                    started[0][1].cls.ports if started else (),
                )
        self._leads: dict[str, tuple | None] = {}
        self._imports_testcontainers = any(name.startswith("testcontainers") for name in model.resolver.imported_names())

    def container_behind(self, name: str, _seen: frozenset = frozenset()) -> tuple | None:
        """The signature of a container the fixture starts or depends on (through other fixtures);
        a fixture tclint does not know counts when its name says it is a container (`*_container`) or,
        in a module that imports testcontainers, what the three-fixture pattern derives from one."""
        if name in self._leads:
            return self._leads[name]
        fixture = self.fixtures.get(name)
        found = None
        if fixture is None:
            derived = self._imports_testcontainers and name.endswith(DERIVED_FIXTURE_SUFFIXES)
            found = ("unknown",) if name.endswith(CONTAINER_FIXTURE_SUFFIX) or derived else None
        elif fixture.container is not None:
            found = fixture.container
        elif name not in _seen:
            found = next((c for p in fixture.params if (c := self.container_behind(p, _seen | {name}))), None)
        self._leads[name] = found
        return found

    def container_class_behind(self, name: str) -> str | None:
        signature = self.container_behind(name)
        return signature[0] if signature and len(signature) == 3 else None

    def ports_behind(self, name: str, _seen: frozenset = frozenset()) -> tuple[int, ...]:
        """The ports the class of the container behind a fixture exposes (a project class's own included),
        found the way `container_behind` finds the container."""
        fixture = self.fixtures.get(name)
        if fixture is None or name in _seen:
            return ()
        if fixture.container is not None:
            return fixture.ports
        return next((ports for p in fixture.params if (ports := self.ports_behind(p, _seen | {name}))), ())

    def container_fixtures(self) -> list[KnownFixture]:
        return [fixture for fixture in self.fixtures.values() if fixture.container is not None]
