# Every container started here is stopped: with-blocks, finalizers, try/finally.
import pytest
from testcontainers.core.container import DockerContainer
from testcontainers.community.postgres import PostgresContainer
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7.2.4-alpine") as redis:
        yield redis


@pytest.fixture(scope="session")
def postgres_container(request):
    postgres = PostgresContainer("postgres:16.0-alpine")
    postgres.start()
    request.addfinalizer(postgres.stop)
    return postgres


@pytest.fixture(scope="session")
def other_redis():
    redis = RedisContainer("redis:7.2.4-alpine")
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


class Environment:
    postgres = None
    redis = None


@pytest.fixture(scope="session")
def environment():
    # the containers are stopped through the attributes of the object that holds them
    env = Environment()
    try:
        postgres = PostgresContainer("postgres:16.0-alpine")
        env.postgres = postgres
        postgres.start()
        yield env
    finally:
        if env.postgres:
            env.postgres.stop()


@pytest.fixture(scope="session")
def services():
    # every container is stopped by one loop over a list of them
    postgres = PostgresContainer("postgres:16.0-alpine")
    redis = RedisContainer("redis:7.2.4-alpine")
    try:
        postgres.start()
        redis.start()
        urls = {"postgres": postgres.get_connection_url(), "redis": redis.get_container_host_ip()}
        yield urls
    finally:
        for container in [postgres, redis]:
            container.stop()


class NginxServer:
    """Holds a container; starts it in `start()`, stops it in `stop()`."""

    def __init__(self):
        self._container = DockerContainer("nginx:1.27.3").with_exposed_ports(80)

    def start(self):
        self._container.start()
        return self

    def stop(self):
        self._container.stop()


class NginxSite:
    """Starts its server in the constructor; `close()` stops it."""

    def __init__(self):
        self.server = NginxServer()
        self.server.start()

    def close(self):
        self.server.stop()


@pytest.fixture(scope="session")
def nginx_built_not_started():
    yield NginxServer()  # nothing started it


@pytest.fixture(scope="session")
def nginx_started_and_stopped():
    server = NginxServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def site_closed_by_a_finalizer(request):
    site = NginxSite()
    request.addfinalizer(lambda: site.close())
    return site


@pytest.fixture(scope="session")
def site_handed_to_an_exit_stack():
    from contextlib import ExitStack

    with ExitStack() as stack:
        site = NginxSite()
        stack.callback(site.close)
        yield site


@pytest.fixture(scope="session")
def site_handed_to_a_registry(registry):
    site = NginxSite()
    registry.register(site)  # the registry owns it now
    return site
