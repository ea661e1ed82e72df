# near-miss-path: tests/unit/test_parsing.py
# A unit-test module that mentions containers without starting one.
import pytest
from myapp.config import parse_redis_url

CONTAINER_IMAGE = "redis:7.2.4-alpine"


def test_parses_a_redis_url():
    assert parse_redis_url("redis://cache:6379/0").port == 6379


def test_image_name_is_pinned():
    assert CONTAINER_IMAGE.count(":") == 1


# Fixtures got at run time by name, none of them with a container behind it.
@pytest.fixture
def settings():
    return {"url": "redis://cache:6379/0"}


@pytest.mark.parametrize("source", ["settings", "tmp_path"])
def test_reads_a_fixture_by_name(source, request):
    assert request.getfixturevalue(source) is not None
    assert request.getfixturevalue("settings")["url"]
