# Client fixtures that clean up after each test, and a session-scoped one that is shared on purpose.
import httpx
import pymongo
import pytest
import sqlalchemy
from aiokafka import AIOKafkaConsumer
from alembic.command import downgrade, upgrade
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from testcontainers.community.mongodb import MongoDbContainer
from testcontainers.community.postgres import PostgresContainer
from testcontainers.community.redis import RedisContainer

from app import app
from app.db import ConnectionPool, DatabaseManager, UserRepository
from tests.support import ALEMBIC, ApiClient, AppFixture, Gateway, MessagingPlugin, delete_vhost


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7.2.4-alpine") as redis:
        yield redis


@pytest.fixture(scope="session")
def postgres_container():
    with PostgresContainer("postgres:16.0-alpine") as postgres:
        yield postgres


@pytest.fixture
def redis_client(redis_container):
    client = redis_container.get_client()
    yield client
    client.flushall()
    client.close()


@pytest.fixture
def connection(postgres_container):
    engine = sqlalchemy.create_engine(postgres_container.get_connection_url())
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()
    engine.dispose()


@pytest.fixture(scope="session")
def readonly_redis(redis_container):
    return redis_container.get_client()


# State reset before the `yield`: every test starts from an empty database.
@pytest.fixture
def fresh_redis(redis_container):
    client = redis_container.get_client()
    client.flushdb()
    yield client
    client.close()


# The reset happens in a function-scoped fixture this one depends on.
@pytest.fixture
def empty_database(postgres_container):
    engine = sqlalchemy.create_engine(postgres_container.get_connection_url())
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def session(postgres_container, empty_database):
    engine = sqlalchemy.create_engine(postgres_container.get_connection_url())
    with Session(engine) as session:
        yield session
    engine.dispose()


# Consumers: objects built over what other per-test fixtures hand out; those fixtures clean up.
@pytest.fixture
def users(session):
    return UserRepository(session)


@pytest.fixture
def gateway(users, api_client):
    return Gateway(users=users, api=api_client)


# The connection the wrapper holds is closed by the `with` block around the `yield`.
@pytest.fixture
async def api_client(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield ApiClient(http)


# A consumer of a Kafka topic reads: stopping it is all its cleanup.
@pytest.fixture
async def events(kafka_container):
    consumer = AIOKafkaConsumer("events", bootstrap_servers=kafka_container.get_bootstrap_server())
    await consumer.start()
    yield consumer
    await consumer.stop()


# A plugin that shuts down and deletes what it created.
@pytest.fixture
async def plugin(rabbitmq_container, vhost):
    plugin = MessagingPlugin(url=f"amqp://{rabbitmq_container.get_container_host_ip()}/{vhost}")
    await plugin.on_startup()
    yield plugin
    await plugin.on_shutdown()
    delete_vhost(rabbitmq_container, vhost)


# A container started for this test alone: it takes the data and connections with it.
@pytest.fixture
def isolated_app():
    with MongoDbContainer("mongo:7.0.4") as mongo:
        client = mongo.get_connection_client()
        client["test"]["items"].insert_one({"seed": True})
        yield AppFixture(client=TestClient(app), url=mongo.get_connection_url())


# A connection pool of a library tclint does not know, closed after the test.
@pytest.fixture
def pool(postgres_container):
    pool = ConnectionPool(postgres_container.get_connection_url(), max_size=4)
    pool.open()
    yield pool
    pool.close()


# The client handed out beside another object is closed by the `with` block around the `yield`.
@pytest.fixture
async def live_client(app, postgres_container):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client, app.state.manager


# The engine the session is opened on migrates the database down after every test.
@pytest.fixture
def migrated_engine(postgres_container):
    engine = sqlalchemy.create_engine(postgres_container.get_connection_url())
    upgrade(ALEMBIC, "head")
    yield engine
    downgrade(ALEMBIC, "base")
    engine.dispose()


@pytest.fixture
def migrated_session(migrated_engine):
    session = Session(migrated_engine)
    try:
        yield session
    finally:
        session.close()


# A wrapper of the module reset through its own methods: the `with` exit runs `__exit__`, which calls
# `close()`, which calls the base class's `_purge()` that deletes the keys the wrapper wrote.
class KeyTracker:
    def __init__(self):
        self.keys = []

    def _purge(self, client):
        for key in self.keys:
            client.delete(key)


class RedisCounters(KeyTracker):
    def __init__(self, client):
        super().__init__()
        self.client = client

    def bump(self, key):
        self.keys.append(key)
        self.client.incr(key)

    def close(self):
        self._purge(self.client)
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


@pytest.fixture
def counters(redis_container):
    with RedisCounters(redis_container.get_client()) as counters:
        yield counters


# The same wrapper closed by a method called on it after the test.
@pytest.fixture
def redis_counters(redis_container):
    counters = RedisCounters(redis_container.get_client())
    yield counters
    counters.close()


# A database of a client, closed with its client after the test and emptied before it.
@pytest.fixture
def mongo_database(mongo_container):
    client = pymongo.MongoClient(mongo_container.get_connection_url())
    database = client["app"]
    database["orders"].delete_many({})
    yield database
    client.close()


# A manager whose tables a fixture that requests it (and hands out a session) truncates before each test.
@pytest.fixture
def db_manager(postgres_container):
    manager = DatabaseManager(postgres_container.get_connection_url())
    yield manager
    manager.engine.dispose()


@pytest.fixture
def empty_tables(db_manager):
    with db_manager.engine.begin() as connection:
        connection.execute(sqlalchemy.text("TRUNCATE orders, users CASCADE"))
    yield db_manager.session()
