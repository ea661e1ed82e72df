# A unittest class that starts its container once per class, and a setUp that only makes a client.
import unittest

from testcontainers.community.redis import RedisContainer


class RedisTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.redis = RedisContainer("redis:7.2.4-alpine")
        cls.redis.start()
        cls.addClassCleanup(cls.redis.stop)

    def setUp(self):
        self.client = self.redis.get_client()
        self.addCleanup(self.client.close)

    def test_ping(self):
        self.assertTrue(self.client.ping())
