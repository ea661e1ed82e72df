import pytest
from fastapi.testclient import TestClient
from testcontainers.community.postgres import PostgresContainer

from users_api import create_app, reset


@pytest.fixture(scope="session")
def postgres_container():
    with PostgresContainer("postgres:16-alpine") as postgres:
        yield postgres


@pytest.fixture
def database_url(postgres_container):
    return f"postgresql+psycopg2://test:test@{postgres_container.get_container_host_ip()}:{postgres_container.get_exposed_port(5432)}/test"


@pytest.fixture
def redis_url(redis_container):
    return f"redis://{redis_container.get_container_host_ip()}:{redis_container.get_exposed_port(6379)}/0"


@pytest.fixture
def app(database_url, redis_url):
    app = create_app(database_url, redis_url)
    yield app
    reset(app)


@pytest.fixture
def client(app):
    with TestClient(app) as client:
        yield client
