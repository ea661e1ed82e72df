"""Facts about the APIs tclint's rules target, in one place.

Most tables are generated from the testcontainers and pytest sources (`generated.py`, see
`generate.py`); the few facts no source states are kept here by hand, each with its reason.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from tclint.knowledge.generated import (
    CONTAINER_ALIASES,
    CONTAINER_CLASSES,
    LEGACY_MODULES,
    PYTEST_FIXTURE_SCOPES,
    PYTEST_VERSION,
    TESTCONTAINERS_VERSION,
)

__all__ = [
    "LEGACY_MODULES", "PYTEST_VERSION", "TESTCONTAINERS_VERSION", "ContainerClass", "FIXTURE_DECORATORS",
    "SCOPES", "SLEEP_FUNCTIONS", "canonical_name", "container_class", "fixture_scope", "narrower", "scope_rank",
]  # fmt: skip

FIXTURE_DECORATORS = frozenset({"pytest.fixture", "_pytest.fixtures.fixture", "pytest_asyncio.fixture"})
SCOPES = ("function", "class", "module", "package", "session")

# Fixtures of common plugins (not in pytest's own source). pytest-mock's scoped mockers are named
# after their scope; pytest-asyncio's ports are function-scoped.
PLUGIN_FIXTURE_SCOPES = {
    "mocker": "function", "class_mocker": "class", "module_mocker": "module",
    "package_mocker": "package", "session_mocker": "session",
    "unused_tcp_port": "function", "unused_udp_port": "function",
    "unused_tcp_port_factory": "function", "unused_udp_port_factory": "function",
    "event_loop": "function", "event_loop_policy": "session",
}  # fmt: skip

# Functions that block or suspend for a given time (no source to generate this from: the list is ours).
SLEEP_FUNCTIONS = frozenset({"time.sleep", "asyncio.sleep", "anyio.sleep", "trio.sleep", "gevent.sleep"})

# Container methods that configure and return the container itself (DockerContainer.with_* and co).
SELF_RETURNING_METHODS = frozenset({"waiting_for", "maybe_emulate_amd64", "start"})


@dataclass(frozen=True)
class ContainerClass:
    qualname: str
    default_image: str | None
    waits_until_ready: bool
    ports: tuple[int, ...]
    configured: bool = False  # named by the `container-classes` setting, not by testcontainers


def canonical_name(name: str) -> str:
    """Both testcontainers layouts (`testcontainers.x` and `testcontainers.community.x`) as one."""
    if name.startswith("testcontainers.community."):
        name = "testcontainers." + name[len("testcontainers.community.") :]
    return CONTAINER_ALIASES.get(name, name)


def container_class(qualname: str | None, configured: tuple[str, ...] = ()) -> ContainerClass | None:
    if qualname is None:
        return None
    facts = CONTAINER_CLASSES.get(qualname)
    if facts is not None:
        return ContainerClass(qualname, facts["default_image"], facts["waits_until_ready"], facts["ports"])
    if any(fnmatch.fnmatchcase(qualname, pattern) for pattern in configured):
        return ContainerClass(qualname, None, False, (), configured=True)
    return None


def is_self_returning(method: str) -> bool:
    return method.startswith("with_") or method in SELF_RETURNING_METHODS


def fixture_scope(name: str) -> str | None:
    """The scope of a pytest or plugin built-in fixture, None when it is not one."""
    return PYTEST_FIXTURE_SCOPES.get(name) or PLUGIN_FIXTURE_SCOPES.get(name)


def scope_rank(scope: str) -> int:
    return SCOPES.index(scope)


def narrower(scope: str, than: str) -> bool:
    return scope_rank(scope) < scope_rank(than)
