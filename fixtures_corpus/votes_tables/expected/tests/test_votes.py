import pytest

from tests.test_utils import psycopg2_url
from tests.waiting import wait_for_condition_sync
from votes import VoteStore


@pytest.fixture
def clean_postgres_container(postgres_container):
    yield postgres_container
    dropped = postgres_container.exec(["sh", "-c", 'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "DROP TABLE IF EXISTS votes CASCADE"'])
    assert dropped.exit_code == 0, dropped.output


SCHEMA = "CREATE TABLE votes (id serial PRIMARY KEY, choice text NOT NULL)"


def test_a_vote_is_counted(clean_postgres_container):
    store = VoteStore(psycopg2_url(clean_postgres_container))
    with store.connection.cursor() as cursor:
        cursor.execute(SCHEMA)
    store.cast("yes")
    assert store.count("yes") == 1
    store.close()


def test_votes_are_counted_per_choice(clean_postgres_container):
    store = VoteStore(psycopg2_url(clean_postgres_container))
    with store.connection.cursor() as cursor:
        cursor.execute("CREATE TABLE votes (id serial PRIMARY KEY, choice text NOT NULL)")
    store.cast("yes")
    store.cast("no")
    store.cast("no")
    assert (store.count("yes"), store.count("no")) == (1, 2)
    store.close()


def test_a_late_vote_arrives(clean_postgres_container):
    store = VoteStore(psycopg2_url(clean_postgres_container))
    with store.connection.cursor() as cursor:
        cursor.execute("CREATE TABLE votes (id serial PRIMARY KEY, choice text NOT NULL)")
    threading_vote(store)
    wait_for_condition_sync(lambda: store.count("late") == 1, 'store.count("late") == 1', timeout_ms=5000)
    assert store.count("late") == 1
    store.close()


def threading_vote(store):
    import threading

    threading.Timer(0.05, store.cast, args=["late"]).start()
