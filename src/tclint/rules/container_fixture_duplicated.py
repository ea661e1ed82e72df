"""TCL104 container-fixture-duplicated: one test session starts the same service twice.

A project-wide rule: it reads the facts every file's walk left behind (fixtures, their scopes and the
containers they start) once all files are in; nothing is parsed again.
"""

from __future__ import annotations

from collections import defaultdict

from tclint.catalog import PROJECT
from tclint.diagnostics import Diagnostic
from tclint.engine.rule import Described
from tclint.facts import FileFacts, FixtureFact

SHARED_SCOPES = ("module", "package", "session")
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
        diagnostics = []
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
