import pytest


@pytest.fixture
def clean_redis_container(redis_container):
    yield redis_container
    client = redis_container.get_client()
    client.flushall()
    client.close()


def test_a_session_is_stored_with_a_ttl(clean_redis_container):
    client = clean_redis_container.get_client()
    client.set("session:alice", "token", ex=60)
    assert 0 < client.ttl("session:alice") <= 60
    assert client.dbsize() == 1


def test_a_session_can_be_revoked(clean_redis_container):
    client = clean_redis_container.get_client()
    client.set("session:bob", "token")
    client.delete("session:bob")
    assert client.dbsize() == 0
