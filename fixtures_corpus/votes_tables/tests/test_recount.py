from testcontainers.postgres import PostgresContainer

from tests.test_utils import psycopg2_url
from votes import VoteStore


def test_a_recount_starts_from_an_empty_table():
    with PostgresContainer("postgres:16-alpine") as postgres:
        store = VoteStore(psycopg2_url(postgres))
        with store.connection.cursor() as cursor:
            cursor.execute("CREATE TABLE votes (id serial PRIMARY KEY, choice text NOT NULL)")
        assert store.count("yes") == 0
        store.cast("yes")
        assert store.count("yes") == 1
        store.close()
