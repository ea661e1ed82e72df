from redis_locks.lock import DistributedLock, LockNotHeld

__all__ = ["DistributedLock", "LockNotHeld"]
