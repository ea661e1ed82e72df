# near-miss-path: tests/unit/test_parsing.py
# A unit-test module that mentions containers without starting one.
from myapp.config import parse_redis_url

CONTAINER_IMAGE = "redis:7.2.4-alpine"


def test_parses_a_redis_url():
    assert parse_redis_url("redis://cache:6379/0").port == 6379


def test_image_name_is_pinned():
    assert CONTAINER_IMAGE.count(":") == 1
