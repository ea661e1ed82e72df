import pytest
from testcontainers.community.postgres import PostgresContainer

from ledger import accounts, balance
from tests.db import SCHEMA, connect


@pytest.fixture
def postgres():
    with PostgresContainer("postgres:16-alpine") as container:
        with connect(container) as connection, connection.cursor() as cursor:
            cursor.execute(SCHEMA)
        yield container


@pytest.fixture
def ledger(postgres):
    connection = connect(postgres)
    connection.autocommit = True
    yield connection
    connection.close()


def test_the_bank_opens_with_its_reserve(ledger):
    assert accounts(ledger) == ["bank"]
    assert balance(ledger, "bank") == 1000


def test_a_deposit_credits_the_account(ledger):
    with ledger.cursor() as cursor:
        cursor.execute("INSERT INTO accounts (name) VALUES ('alice')")
        cursor.execute("INSERT INTO entries (account, amount) VALUES ('alice', 50), ('bank', -50)")
    assert balance(ledger, "alice") == 50
    assert balance(ledger, "bank") == 950


def test_a_new_account_starts_at_zero(ledger):
    with ledger.cursor() as cursor:
        cursor.execute("INSERT INTO accounts (name) VALUES ('alice')")
    assert balance(ledger, "alice") == 0
    assert accounts(ledger) == ["alice", "bank"]


def test_two_transfers_add_up(ledger):
    with ledger.cursor() as cursor:
        cursor.execute("INSERT INTO accounts (name) VALUES ('bob')")
        cursor.execute("INSERT INTO entries (account, amount) VALUES ('bob', 20), ('bank', -20)")
        cursor.execute("INSERT INTO entries (account, amount) VALUES ('bob', 30), ('bank', -30)")
    assert balance(ledger, "bob") == 50
    assert balance(ledger, "bank") == 950
