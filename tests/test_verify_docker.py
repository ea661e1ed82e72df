"""The Docker accounting of `tclint verify` speaks the engine's HTTP API itself (a plain install has no
`docker` package): here against a small stand-in engine on a unix socket. The real engine is in
tests/e2e/test_verify.py."""

from __future__ import annotations

import http.server
import json
import socketserver
import threading
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from tclint.verify.docker_engine import DockerEngine, DockerError

EVENTS = [{"id": "c1", "Actor": {"Attributes": {"image": "redis:7-alpine"}}},
          {"id": "c2", "Actor": {"Attributes": {"image": "redis:7-alpine"}}},
          {"id": "c3", "Actor": {"Attributes": {"image": "postgres:16-alpine"}}}]  # fmt: skip


class _Engine(http.server.BaseHTTPRequestHandler):
    requests: list[tuple[str, str]] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.requests.append(("GET", self.path))
        if self.path == "/_ping":
            self._answer(200, b"OK")
        elif self.path.startswith("/events?"):
            self._answer(200, b"".join(json.dumps(event).encode() + b"\n" for event in EVENTS))
        else:
            self._answer(404, b'{"message": "page not found"}')

    def do_DELETE(self) -> None:
        self.requests.append(("DELETE", self.path))
        status = {"/containers/gone?force=true": 404, "/containers/c1?force=true": 204}.get(self.path, 500)
        self._answer(status, b"" if status == 204 else b'{"message": "no such container"}')

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        connection, _ = super().get_request()
        return connection, ("local", 0)


@pytest.fixture
def engine(tmp_path):
    path = tmp_path / "docker.sock"
    _Engine.requests = []
    server = _UnixServer(str(path), _Engine)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield DockerEngine(f"unix://{path}")
    server.shutdown()
    server.server_close()


def test_containers_created_are_counted_by_image_from_the_events_asked_for(engine):
    assert engine.count_created(1700000000.25, 1700000009.5) == Counter({"redis:7-alpine": 2, "postgres:16-alpine": 1})
    [(method, path)] = _Engine.requests
    query = parse_qs(urlsplit(path).query)
    assert (method, query["since"], query["until"]) == ("GET", ["1700000000.250000000"], ["1700000009.500000000"])
    assert json.loads(query["filters"][0]) == {"type": ["container"], "event": ["create"], "label": ["org.testcontainers=true"]}


def test_removing_a_container_that_is_gone_is_fine_and_other_failures_say_what_happened(engine):
    engine.remove("c1")
    engine.remove("gone")
    with pytest.raises(DockerError, match=r"^DELETE /containers/c9: 500 \{\"message\": \"no such container\"\}$"):
        engine.remove("c9")


def test_the_engine_is_found_through_docker_host(engine, monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", engine.host)
    assert DockerEngine.answering().host == engine.host
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/nothing.sock")
    assert DockerEngine.answering() is None
    monkeypatch.setenv("DOCKER_HOST", "ssh://somewhere")
    assert DockerEngine.answering() is None
