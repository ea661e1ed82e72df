import time

from testcontainers.postgres import PostgresContainer

from tests.test_utils import psycopg2_url
from votes import VoteStore

SCHEMA = "CREATE TABLE votes (id serial PRIMARY KEY, choice text NOT NULL)"


def test_a_vote_is_counted():
    with PostgresContainer("postgres:16-alpine") as postgres:
        store = VoteStore(psycopg2_url(postgres))
        with store.connection.cursor() as cursor:
            cursor.execute(SCHEMA)
        store.cast("yes")
        assert store.count("yes") == 1
        store.close()


def test_votes_are_counted_per_choice():
    with PostgresContainer("postgres:16-alpine") as postgres:
        store = VoteStore(psycopg2_url(postgres))
        with store.connection.cursor() as cursor:
            cursor.execute("CREATE TABLE votes (id serial PRIMARY KEY, choice text NOT NULL)")
        store.cast("yes")
        store.cast("no")
        store.cast("no")
        assert (store.count("yes"), store.count("no")) == (1, 2)
        store.close()


def test_a_late_vote_arrives():
    with PostgresContainer("postgres:16-alpine") as postgres:
        store = VoteStore(psycopg2_url(postgres))
        with store.connection.cursor() as cursor:
            cursor.execute("CREATE TABLE votes (id serial PRIMARY KEY, choice text NOT NULL)")
        threading_vote(store)
        time.sleep(1)
        assert store.count("late") == 1
        store.close()


def threading_vote(store):
    import threading

    threading.Timer(0.05, store.cast, args=["late"]).start()
