"""Named counters on Redis, behind a small store class."""

from __future__ import annotations

from redis import Redis


class CounterStore:
    def __init__(self, client: Redis) -> None:
        self._client = client

    def bump(self, name: str, by: int = 1) -> int:
        return int(self._client.incrby(f"counter:{name}", by))

    def value(self, name: str) -> int:
        return int(self._client.get(f"counter:{name}") or 0)

    def names(self) -> list[str]:
        return sorted(key.decode().split(":", 1)[1] for key in self._client.scan_iter(match="counter:*"))
