# Suppressions that are not tclint's, or that silence something: none is unused.
import pytest
from testcontainers.community.redis import RedisContainer

LONG = "x" * 200  # noqa: E501
VALUE = int("3")  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def redis_container():  # noqa
    with RedisContainer("redis:7.2.4-alpine") as redis:
        yield redis
