"""GET with retries on server errors and dropped connections, and a backoff between tries."""

from __future__ import annotations

import time

import requests

RETRIED_STATUSES = frozenset({500, 502, 503, 504})


class HttpClientError(Exception):
    def __init__(self, status_code: int | None, attempts: int) -> None:
        super().__init__(f"gave up after {attempts} attempts (last status: {status_code})")
        self.status_code = status_code
        self.attempts = attempts


class RetryingClient:
    def __init__(self, base_url: str, retries: int = 3, backoff_seconds: float = 0.01, timeout: float = 2.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.timeout = timeout
        self.session = requests.Session()

    def get(self, path: str) -> requests.Response:
        status = None
        for attempt in range(1, self.retries + 2):
            try:
                response = self.session.get(f"{self.base_url}{path}", timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout):
                status = None
            else:
                if response.status_code not in RETRIED_STATUSES:
                    return response
                status = response.status_code
            if attempt <= self.retries:
                time.sleep(self.backoff_seconds * 2 ** (attempt - 1))
        raise HttpClientError(status, self.retries + 1)

    def close(self) -> None:
        self.session.close()
