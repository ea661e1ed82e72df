import unittest

from testcontainers.community.redis import RedisContainer

from kv_cache import Cache


class TestCache(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.redis = RedisContainer("redis:7-alpine")
        cls.redis.start()
        cls.addClassCleanup(cls.redis.stop)

    def setUp(self):
        self.client = self.redis.get_client()
        self.client.flushdb()
        self.cache = Cache(self.client, "users")

    def tearDown(self):
        self.client.close()
        client = self.redis.get_client()
        client.flushall()
        client.close()

    def test_round_trip(self):
        self.cache.set("alice", {"plan": "pro"})
        self.assertEqual(self.cache.get("alice"), {"plan": "pro"})

    def test_missing_key_gives_the_default(self):
        self.assertEqual(self.cache.get("nobody", default="n/a"), "n/a")

    def test_clear_removes_only_its_namespace(self):
        self.cache.set("alice", 1)
        Cache(self.client, "sessions").set("s-1", 2)
        self.assertEqual(self.cache.clear(), 1)
        self.assertEqual(Cache(self.client, "sessions").get("s-1"), 2)

    def test_starts_empty(self):
        self.assertEqual(self.client.dbsize(), 0)


if __name__ == "__main__":
    unittest.main()
