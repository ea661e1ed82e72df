"""The ledger's schema with its opening entries, and a connection to the container."""

import psycopg2

SCHEMA = """
CREATE TABLE accounts (name text PRIMARY KEY);
CREATE TABLE entries (
    id serial PRIMARY KEY,
    account text NOT NULL REFERENCES accounts (name),
    amount integer NOT NULL
);
INSERT INTO accounts (name) VALUES ('bank');
INSERT INTO entries (account, amount) VALUES ('bank', 1000);
"""


def connect(postgres):
    return psycopg2.connect(
        host=postgres.get_container_host_ip(),
        port=postgres.get_exposed_port(5432),
        user=postgres.username,
        password=postgres.password,
        dbname=postgres.dbname,
    )
