import time

import pytest

from retrying_client import HttpClientError


def requests_for(container, path, at_least=0):
    """How many requests for `path` nginx has logged; Docker collects the log asynchronously, so when a
    count is expected, poll for it (every 10 ms, for up to 5 s)."""
    deadline = time.monotonic() + 5
    while True:
        stdout, stderr = container.get_logs()
        count = (stdout + stderr).decode().count(f"GET {path} ")
        if count >= at_least or time.monotonic() > deadline:
            return count
        time.sleep(0.01)


def test_ok(client):
    response = client.get("/ok")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_client_errors_are_not_retried(client, nginx_container):
    before = requests_for(nginx_container, "/missing")
    assert client.get("/missing").status_code == 404
    assert client.get("/teapot").status_code == 418
    assert requests_for(nginx_container, "/missing", at_least=before + 1) - before == 1


def test_server_errors_are_retried_then_reported(client, nginx_container):
    before = requests_for(nginx_container, "/unavailable")
    with pytest.raises(HttpClientError) as raised:
        client.get("/unavailable")
    assert raised.value.status_code == 503
    assert raised.value.attempts == 4
    assert requests_for(nginx_container, "/unavailable", at_least=before + 4) - before == 4


def test_connection_refused_is_retried(unused_port_url):
    from retrying_client import RetryingClient

    with pytest.raises(HttpClientError) as raised:
        RetryingClient(unused_port_url, retries=2, backoff_seconds=0.01, timeout=0.5).get("/ok")
    assert raised.value.status_code is None and raised.value.attempts == 3


@pytest.fixture
def unused_port_url():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
