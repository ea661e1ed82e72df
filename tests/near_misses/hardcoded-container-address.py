# Addresses read from the container, and localhost where no container is involved.
import logging

import pytest
import redis
from myapp import settings
from myapp.urls import parse_url
from testcontainers.community.redis import RedisContainer
from testcontainers.core.container import DockerContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7.2.4-alpine") as container:
        yield container


@pytest.fixture
def redis_client(redis_container):
    client = redis.Redis(
        host=redis_container.get_container_host_ip(),
        port=int(redis_container.get_exposed_port(6379)),
    )
    yield client
    client.flushall()
    client.close()


def test_url_parser_keeps_the_port():
    assert parse_url("http://localhost:8000/health").port == 8000


def local_server_url(server):
    return "http://127.0.0.1:{}/health".format(server.server_port)


def point_at_the_developer_database(port=5432):
    settings.DATABASE_URL = "postgresql://%s@localhost:%d/dev" % ("dev", port)


def test_templates_that_do_not_connect(redis_container):
    port = redis_container.get_exposed_port(6379)
    logging.info("redis listens on 127.0.0.1:%s", port)
    settings.BANNER = "cache at 127.0.0.1:{}".format(port)
    settings.CACHE_URL = "redis://{host}:{port}/0".format(host=redis_container.get_container_host_ip(), port=port)


def test_addresses_read_inside_the_container():
    container = DockerContainer("example/broker:3.1.0", environment={"BROKER_URL": "kafka://localhost:9092"})
    container.with_exposed_ports(9092)
    container.with_env("ADVERTISED_LISTENERS", "PLAINTEXT://localhost:9092")
    container.env.update({"ADV_HOST": "localhost", "SCHEMA_REGISTRY_URL": "http://localhost:8081"})
    with container:
        container.get_wrapped_container().exec_run(["sh", "-c", "curl http://localhost:9092/ready"])
