"""Allow at most `limit` calls per `window_seconds` per key, counted in Redis."""

from __future__ import annotations

from redis import Redis


class RateLimiter:
    def __init__(self, client: Redis, limit: int, window_seconds: int) -> None:
        self.client = client
        self.limit = limit
        self.window_seconds = window_seconds

    def allow(self, key: str) -> bool:
        counter = f"rate:{key}"
        with self.client.pipeline() as pipeline:
            pipeline.incr(counter)
            pipeline.expire(counter, self.window_seconds, nx=True)
            count, _ = pipeline.execute()
        return count <= self.limit
