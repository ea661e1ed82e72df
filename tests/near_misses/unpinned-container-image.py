# Images pinned to an exact version or a digest, directly or through a constant.
import pytest
from testcontainers.community.postgres import PostgresContainer
from testcontainers.community.redis import RedisContainer
from testcontainers.core.container import DockerContainer

REDIS_IMAGE = "redis:7.2.4-alpine"


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer(REDIS_IMAGE) as redis:
        yield redis


@pytest.fixture(scope="session")
def postgres_container():
    with PostgresContainer("postgres:16.0-alpine") as postgres:
        yield postgres


@pytest.fixture(scope="session")
def nginx_container():
    image = "nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"
    with DockerContainer(image).with_exposed_ports(80) as nginx:
        yield nginx


def retag_built(built, name):
    built.tag(name, tag="latest")  # local builds are tagged `latest`, under names read at run time


@pytest.fixture(scope="session")
def postgres_latest_next_to_a_retag():
    with PostgresContainer("postgres:latest") as postgres:  # reported: testcontainers pulls `postgres`
        yield postgres


def start_postgres(**options):
    """The caller's keywords may name the image."""
    postgres = PostgresContainer(**options)
    postgres.start()
    return postgres


@pytest.fixture(scope="session")
def postgres_spread_with_an_image():
    options = {"image": "postgres:16.4-alpine", "dbname": "orders"}
    with PostgresContainer(**options) as postgres:
        yield postgres


@pytest.fixture(scope="session")
def postgres_spread_then_given_an_image():
    options = {"dbname": "orders"}
    options["image"] = "postgres:16.4-alpine"
    with PostgresContainer(**options) as postgres:
        yield postgres


@pytest.fixture(scope="session")
def postgres_spread_from_two_bindings(flag):
    options = {"dbname": "orders"}
    if flag:
        options = {"image": "postgres:16.4-alpine"}
    with PostgresContainer(**options) as postgres:
        yield postgres


class PinnedHttpbin(DockerContainer):
    IMAGE = "kennethreitz/httpbin:0.9.2"

    def __init__(self, image=IMAGE, **kwargs):
        super().__init__(image, **kwargs)


class MailServer(DockerContainer):
    IMAGE = "mailhog/mailhog:v1.0.1"

    def __init__(self, **kwargs):
        super().__init__(MailServer.IMAGE, **kwargs)
