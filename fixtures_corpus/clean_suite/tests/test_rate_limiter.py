import pytest

from rate_limiter import RateLimiter
from tests.test_utils import wait_for_condition_sync

pytestmark = pytest.mark.integration


def test_allows_up_to_the_limit(redis_client):
    limiter = RateLimiter(redis_client, limit=3, window_seconds=60)
    assert [limiter.allow("alice") for _ in range(4)] == [True, True, True, False]


def test_keys_are_counted_apart(redis_client):
    limiter = RateLimiter(redis_client, limit=1, window_seconds=60)
    assert limiter.allow("alice") and limiter.allow("bob")
    assert not limiter.allow("alice")


def test_the_window_resets(redis_client):
    limiter = RateLimiter(redis_client, limit=1, window_seconds=1)
    assert limiter.allow("carol")
    assert not limiter.allow("carol")
    wait_for_condition_sync(lambda: redis_client.exists("rate:carol") == 0, "the window to expire", timeout_ms=5000)
    assert limiter.allow("carol")


def test_starts_empty(redis_client):
    assert redis_client.dbsize() == 0
