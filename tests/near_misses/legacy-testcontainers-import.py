# Imports from the current module paths.
from testcontainers.community.postgres import PostgresContainer
from testcontainers.community.redis import RedisContainer
from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import LogMessageWaitStrategy

CONTAINERS = (PostgresContainer, RedisContainer, DockerContainer, LogMessageWaitStrategy)
