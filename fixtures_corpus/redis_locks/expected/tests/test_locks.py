import pytest

from redis_locks import DistributedLock, LockNotHeld
from tests.test_utils import wait_for_condition


async def test_acquire_and_release(redis_client):
    lock = DistributedLock(redis_client, "job", ttl_seconds=5)
    assert await lock.acquire()
    assert await redis_client.exists("lock:job") == 1
    await lock.release()
    assert await redis_client.exists("lock:job") == 0


async def test_second_owner_cannot_acquire(redis_client):
    first = DistributedLock(redis_client, "report", ttl_seconds=5)
    second = DistributedLock(redis_client, "report", ttl_seconds=5)
    assert await first.acquire()
    assert not await second.acquire()
    with pytest.raises(LockNotHeld):
        await second.release()


async def test_lock_expires_without_renewal(redis_client):
    lock = DistributedLock(redis_client, "expiring", ttl_seconds=1)
    assert await lock.acquire()
    async def condition():
        return await redis_client.exists("lock:expiring") == 0
    await wait_for_condition(condition, 'await redis_client.exists("lock:expiring") == 0', timeout_ms=5000)
    assert await redis_client.exists("lock:expiring") == 0


async def test_lock_auto_renewal(redis_client):
    lock = DistributedLock(redis_client, "renewed", ttl_seconds=1, auto_renew=True, renew_interval=0.2)
    assert await lock.acquire()
    await wait_for_condition(lambda: lock.renewals >= 3, "lock.renewals >= 3", timeout_ms=5000)
    assert lock.renewals >= 3
    assert await redis_client.exists("lock:renewed") == 1
    await lock.release()


async def test_starts_with_an_empty_database(redis_client):
    # the lock of test_second_owner_cannot_acquire is never released: it must not be visible here
    assert await redis_client.dbsize() == 0
