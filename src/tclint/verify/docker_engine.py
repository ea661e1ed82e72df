"""Docker accounting for `tclint verify`: which containers a test run created, and removing them after a
timeout. It speaks the Docker Engine HTTP API with the standard library, so it works on a plain install:
the `docker` package is a test dependency only, and the docker CLI may not be installed where the
engine is (a CI service, a mounted socket). It finds the engine as testcontainers' Docker client does:
`DOCKER_HOST` (unix:// or tcp://, TLS with `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`), else the default socket.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
from collections import Counter
from urllib.parse import quote, urlencode, urlsplit

DEFAULT_SOCKET = "/var/run/docker.sock"
TESTCONTAINERS_LABEL = "org.testcontainers=true"
PING_TIMEOUT = 10  # seconds
EVENTS_TIMEOUT = 60  # seconds: the engine closes the event stream at `until`


class DockerError(Exception):
    """The engine answered, but not as expected (the message has its status and answer)."""


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, socket_path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = socket_path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


class DockerEngine:
    """One Docker engine, addressed as `DOCKER_HOST` says."""

    def __init__(self, host: str | None = None) -> None:
        self.host = host or os.environ.get("DOCKER_HOST") or f"unix://{DEFAULT_SOCKET}"

    @classmethod
    def answering(cls) -> DockerEngine | None:
        """The engine, when it answers a ping; None when there is none to ask (then nothing is counted)."""
        engine = cls()
        try:
            engine._request("GET", "/_ping", timeout=PING_TIMEOUT)
        except (OSError, DockerError, http.client.HTTPException):
            return None
        return engine

    def created_since(self, since: float, until: float) -> list[dict]:
        """The create events of testcontainers' containers between two times (seconds since the epoch)."""
        filters = {"type": ["container"], "event": ["create"], "label": [TESTCONTAINERS_LABEL]}
        query = urlencode({"since": _timestamp(since), "until": _timestamp(until), "filters": json.dumps(filters)})
        body = self._request("GET", f"/events?{query}", timeout=EVENTS_TIMEOUT)
        decoder = json.JSONDecoder()
        events, text, position = [], body.decode("utf-8"), 0
        while position < len(text):
            if text[position].isspace():
                position += 1
                continue
            event, position = decoder.raw_decode(text, position)
            events.append(event)
        return events

    def count_created(self, since: float, until: float) -> Counter:
        """Containers created between two times, by image."""
        return Counter(event["Actor"]["Attributes"].get("image", "?") for event in self.created_since(since, until))

    def remove(self, container_id: str) -> None:
        """Force-remove a container; one that is already gone (404) or going (409) is fine."""
        self._request("DELETE", f"/containers/{quote(container_id)}?force=true", timeout=PING_TIMEOUT, fine=(404, 409))

    def _request(self, method: str, path: str, timeout: float, fine: tuple[int, ...] = ()) -> bytes:
        connection = self._connection(timeout)
        try:
            connection.request(method, path, headers={"Host": "docker"})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status >= 300 and response.status not in fine:
            raise DockerError(f"{method} {path.split('?')[0]}: {response.status} {body.decode('utf-8', 'replace').strip()}")
        return body

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        address = urlsplit(self.host)
        if address.scheme == "unix":
            return _UnixConnection(address.path, timeout)
        if address.scheme not in ("tcp", "http", "https"):
            raise DockerError(f"DOCKER_HOST `{self.host}`: only unix:// and tcp:// engines are supported")
        port = address.port or 2375
        if address.scheme == "https" or os.environ.get("DOCKER_TLS_VERIFY"):
            return http.client.HTTPSConnection(address.hostname, port, timeout=timeout, context=_tls_context())
        return http.client.HTTPConnection(address.hostname, port, timeout=timeout)


def _tls_context() -> ssl.SSLContext:
    certs = os.environ.get("DOCKER_CERT_PATH") or os.path.expanduser("~/.docker")
    context = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
    context.load_cert_chain(os.path.join(certs, "cert.pem"), os.path.join(certs, "key.pem"))
    return context


def _timestamp(seconds: float) -> str:
    """The engine's `seconds.nanoseconds` form: runs a fraction of a second apart are told apart."""
    return f"{seconds:.9f}"
