import threading
import time


def test_bump(store):
    assert store.bump("visits") == 1
    assert store.bump("visits", by=2) == 3


def test_every_test_starts_without_counters(store):
    assert store.names() == []


def test_bump_from_another_thread(store):
    threading.Timer(0.05, store.bump, args=["jobs"]).start()
    time.sleep(0.5)
    assert store.value("jobs") == 1
