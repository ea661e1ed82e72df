# near-miss-path: tests/conftest.py
# Containers whose stop is guaranteed before any setup that can raise, and setup that only waits.
import logging
import time
import unittest

import pytest
from testcontainers.community.postgres import PostgresContainer
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def postgres_guarded():
    postgres = PostgresContainer("postgres:16-alpine")
    postgres.start()
    try:
        postgres.exec(["psql", "-U", "test", "-c", "create table users (id int)"])
        yield postgres
    finally:
        postgres.stop()


@pytest.fixture(scope="session")
def postgres_with():
    with PostgresContainer("postgres:16-alpine") as postgres:
        postgres.exec(["psql", "-U", "test", "-c", "create table users (id int)"])
        yield postgres


@pytest.fixture(scope="session")
def redis_finalizer(request):
    redis = RedisContainer("redis:7.2.4-alpine")
    redis.start()
    request.addfinalizer(redis.stop)
    redis.get_client().set("seed", "1")
    return redis


@pytest.fixture(scope="session")
def redis_nothing_between():
    redis = RedisContainer("redis:7.2.4-alpine")
    redis.start()
    yield redis
    redis.stop()


class ReportTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.postgres = PostgresContainer("postgres:16-alpine")
        cls.postgres.start()
        cls.addClassCleanup(cls.postgres.stop)
        cls.postgres.exec(["psql", "-c", "create table reports (id int)"])

    def test_reports(self):
        self.assertTrue(self.postgres.get_container_host_ip())


@pytest.fixture(scope="session")
def redis_teardown_registered_first(request):
    redis = RedisContainer("redis:7.2.4-alpine")
    redis.start()

    def teardown():
        redis.stop()

    request.addfinalizer(teardown)
    redis.exec(["redis-cli", "set", "seeded", "1"])
    return redis


@pytest.fixture(scope="session")
def redis_address_read_before_the_finalizer(request):
    redis = RedisContainer("redis:7.2.4-alpine")
    redis.start()
    address = f"{redis.get_container_host_ip()}:{redis.get_exposed_port(6379)}"  # reads, not setup that can fail

    def teardown():
        redis.stop()

    request.addfinalizer(teardown)
    return redis, address


@pytest.fixture(scope="module")
def redis_logged_before_yield():
    print("starting redis")
    redis = RedisContainer("redis:7.2.4-alpine").start()
    port = redis.get_exposed_port(6379)
    logging.getLogger(__name__).info(f"redis on port {port}")
    logging.debug("redis host %s", redis.get_container_host_ip())
    yield redis
    redis.stop()


@pytest.fixture(scope="session")
def postgres_waited_inside_the_guard():
    from testcontainers.core.waiting_utils import wait_for_logs

    postgres = PostgresContainer("postgres:16-alpine")
    postgres.start()
    try:
        wait_for_logs(postgres, "database system is ready to accept connections")
        yield postgres
    finally:
        postgres.stop()


@pytest.fixture(scope="session")
def redis_slept_then_checked_after_the_tests():
    redis = RedisContainer("redis:7.2.4-alpine")
    redis.start()
    time.sleep(0.5)  # sleeping raises nothing (sleep-after-container-start's business)
    yield redis
    assert redis.get_client().dbsize() == 0  # after the yield: teardown, not setup
    redis.stop()
