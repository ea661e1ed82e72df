from testcontainers.redis import RedisContainer


def test_a_session_is_stored_with_a_ttl():
    with RedisContainer("redis:7-alpine") as redis:
        client = redis.get_client()
        client.set("session:alice", "token", ex=60)
        assert 0 < client.ttl("session:alice") <= 60
        assert client.dbsize() == 1


def test_a_session_can_be_revoked():
    with RedisContainer("redis:7-alpine") as redis:
        client = redis.get_client()
        client.set("session:bob", "token")
        client.delete("session:bob")
        assert client.dbsize() == 0
