# The current API: wait strategies set before start, mapped ports read from the container.
import pytest
from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import LogMessageWaitStrategy


@pytest.fixture(scope="session")
def nginx_container():
    container = DockerContainer("nginx:1.25.3-alpine").with_exposed_ports(80)
    container.waiting_for(LogMessageWaitStrategy("start worker process"))
    with container:
        yield container


def test_serves(nginx_container):
    host = nginx_container.get_container_host_ip()
    port = nginx_container.get_exposed_port(80)
    assert host and port
