"""A distributed lock on Redis: SET NX PX with a random token, released and renewed only by its owner."""

from __future__ import annotations

import asyncio
import secrets

from redis.asyncio import Redis

RELEASE = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""
RENEW = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("pexpire", KEYS[1], ARGV[2])
end
return 0
"""


class LockNotHeld(Exception):
    """Raised when releasing a lock this owner does not hold (it expired, or someone else has it)."""


class DistributedLock:
    def __init__(self, client: Redis, name: str, ttl_seconds: float = 10, auto_renew: bool = False,
                 renew_interval: float = 1.0) -> None:  # fmt: skip
        self.client = client
        self.key = f"lock:{name}"
        self.ttl_ms = int(ttl_seconds * 1000)
        self.auto_renew = auto_renew
        self.renew_interval = renew_interval
        self.token = secrets.token_hex(16)
        self.renewals = 0
        self._renewer: asyncio.Task | None = None

    async def acquire(self) -> bool:
        acquired = bool(await self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))
        if acquired and self.auto_renew:
            self._renewer = asyncio.create_task(self._renew_forever())
        return acquired

    async def release(self) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
            self._renewer = None
        if not await self.client.eval(RELEASE, 1, self.key, self.token):
            raise LockNotHeld(self.key)

    async def renew(self) -> bool:
        renewed = bool(await self.client.eval(RENEW, 1, self.key, self.token, self.ttl_ms))
        if renewed:
            self.renewals += 1
        return renewed

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.renew_interval)
            if not await self.renew():
                return

    async def __aenter__(self) -> DistributedLock:
        if not await self.acquire():
            raise LockNotHeld(self.key)
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.release()
