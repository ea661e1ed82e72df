import pytest

from tests.test_utils import psycopg2_url
from votes import VoteStore


@pytest.fixture
def clean_postgres_container(postgres_container):
    yield postgres_container
    dropped = postgres_container.exec(["sh", "-c", 'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "DROP TABLE IF EXISTS votes CASCADE"'])
    assert dropped.exit_code == 0, dropped.output


def test_a_recount_starts_from_an_empty_table(clean_postgres_container):
    store = VoteStore(psycopg2_url(clean_postgres_container))
    with store.connection.cursor() as cursor:
        cursor.execute("CREATE TABLE votes (id serial PRIMARY KEY, choice text NOT NULL)")
    assert store.count("yes") == 0
    store.cast("yes")
    assert store.count("yes") == 1
    store.close()
