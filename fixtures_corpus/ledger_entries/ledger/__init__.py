"""Balances of accounts from the entries of a ledger table."""

from __future__ import annotations


def balance(connection, account: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(amount), 0) FROM entries WHERE account = %s", (account,))
        return int(cursor.fetchone()[0])


def accounts(connection) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM accounts ORDER BY name")
        return [row[0] for row in cursor.fetchall()]
