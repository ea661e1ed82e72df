"""A namespaced cache over Redis: keys live under `<namespace>:`, values are JSON."""

from __future__ import annotations

import json

from redis import Redis


class Cache:
    def __init__(self, client: Redis, namespace: str) -> None:
        self.client = client
        self.namespace = namespace

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    def set(self, key: str, value: object, ttl_seconds: int | None = None) -> None:
        self.client.set(self._key(key), json.dumps(value), ex=ttl_seconds)

    def get(self, key: str, default: object = None) -> object:
        raw = self.client.get(self._key(key))
        return default if raw is None else json.loads(raw)

    def clear(self) -> int:
        keys = list(self.client.scan_iter(match=f"{self.namespace}:*"))
        return self.client.delete(*keys) if keys else 0
