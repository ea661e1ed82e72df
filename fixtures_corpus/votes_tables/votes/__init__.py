"""Votes of a poll, counted in PostgreSQL."""

import psycopg2


class VoteStore:
    def __init__(self, url: str) -> None:
        self.connection = psycopg2.connect(url)
        self.connection.autocommit = True

    def cast(self, choice: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO votes (choice) VALUES (%s)", (choice,))

    def count(self, choice: str) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM votes WHERE choice = %s", (choice,))
            return cursor.fetchone()[0]

    def close(self) -> None:
        self.connection.close()
