"""Facts a file's walk leaves behind for other files: what its fixtures are and what they start.

Plain data (no libcst), so that they pickle across processes and live in the cache. They serve the
cross-file rules and the rules that look at the fixtures a module gets from the `conftest.py` files
above it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FixtureFact:
    name: str
    scope: str | None  # None: not a literal
    params: tuple[str, ...]
    container: tuple | None = None  # the signature of the container it starts, if it starts one
    services: tuple[str, ...] = ()  # LocalStack services it enables
    line: int = 0  # where it is defined (known for fixtures that start a container)
    column: int = 0


@dataclass(frozen=True)
class FileFacts:
    path: str
    fixtures: tuple[FixtureFact, ...] = ()


@dataclass(frozen=True)
class ProjectFacts:
    """Fixtures of the `conftest.py` files above a module, nearest first."""

    conftests: tuple[FileFacts, ...] = ()

    def fixture(self, name: str) -> FixtureFact | None:
        for conftest in self.conftests:
            for fixture in conftest.fixtures:
                if fixture.name == name:
                    return fixture
        return None

    def key(self) -> str:
        return repr(self.conftests)

    def container_fixture_names(self) -> frozenset[str]:
        """The fixtures that start a container or depend on one that does (through other fixtures)."""
        fixtures = [fixture for conftest in self.conftests for fixture in conftest.fixtures]
        names = {fixture.name for fixture in fixtures if fixture.container is not None}
        grew = True
        while grew:
            grew = False
            for fixture in fixtures:
                if fixture.name not in names and names.intersection(fixture.params):
                    names.add(fixture.name)
                    grew = True
        return frozenset(names)
