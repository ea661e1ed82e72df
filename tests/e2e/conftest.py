"""Real-container tests: they need a Docker engine and the service images. Without them they are skipped
with the reason, except under CI=true, where that is a failure."""

from __future__ import annotations

import os

import pytest

IMAGES = ("redis:7-alpine", "redis:7.2-alpine", "redis:latest", "postgres:16-alpine", "postgres:16.0-alpine",
          "postgres:latest", "nginx:1.25-alpine", "localstack/localstack:latest", "localstack/localstack:3.0.2")  # fmt: skip


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.docker)
            item.add_marker(pytest.mark.e2e)


def unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true requires the real-container tests: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def docker_client():
    try:
        import docker

        client = docker.from_env(timeout=10)
        client.ping()
    except Exception as error:  # no engine, no socket, no permission
        unavailable(f"no Docker engine answers ({type(error).__name__}: {error})")
    missing = [image for image in IMAGES if not _has_image(client, image)]
    if missing:
        unavailable(f"images missing: {', '.join(missing)} (../shared/containers/build-standins.sh builds them offline)")
    return client


def _has_image(client, image: str) -> bool:
    import docker

    try:
        client.images.get(image)
        return True
    except docker.errors.ImageNotFound:
        return False
