import pathlib
import time

import pytest
import requests
from testcontainers.core.container import DockerContainer

from retrying_client import RetryingClient
from tests.test_utils import wait_for_condition_sync

CONFIG = pathlib.Path(__file__).with_name("nginx.conf")


@pytest.fixture(scope="session")
def nginx_container(tmp_path_factory):
    conf_dir = tmp_path_factory.mktemp("nginx")
    (conf_dir / "default.conf").write_text(CONFIG.read_text())
    container = DockerContainer("nginx:1.25-alpine").with_exposed_ports(80)
    container.with_volume_mapping(str(conf_dir), "/etc/nginx/conf.d", "ro")
    container.start()
    time.sleep(1)
    url = f"http://{container.get_container_host_ip()}:{container.get_exposed_port(80)}"

    def probe_succeeds():
        try:
            requests.get(f"{url}/ok", timeout=1.0)
        except (requests.ConnectionError, requests.Timeout):
            return False
        return True
    try:
        wait_for_condition_sync(probe_succeeds, 'requests.get(f"{url}/ok", timeout=1.0) to succeed', timeout_ms=30000)
    except TimeoutError as error:
        raise RuntimeError("nginx failed to start") from error

    yield container
    container.stop()


@pytest.fixture
def base_url(nginx_container):
    return f"http://{nginx_container.get_container_host_ip()}:{nginx_container.get_exposed_port(80)}"


@pytest.fixture
def client(base_url):
    client = RetryingClient(base_url, retries=3, backoff_seconds=0.01)
    yield client
    client.close()
