"""Orders on PostgreSQL through testcontainers 3.7: `user=` and `POSTGRES_USER` are its API (4.0 renamed
them), and `testcontainers.postgres` is where it keeps the class."""

import sqlalchemy
from testcontainers.postgres import PostgresContainer

SCHEMA = "CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL)"


def test_an_order_is_stored():
    with PostgresContainer("postgres:16-alpine", user="orders", password="secret", dbname="orders") as postgres:
        engine = sqlalchemy.create_engine(postgres.get_connection_url())
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(SCHEMA))
            connection.execute(sqlalchemy.text("INSERT INTO orders (item) VALUES ('book')"))
        with engine.connect() as connection:
            assert connection.execute(sqlalchemy.text("SELECT count(*) FROM orders")).scalar() == 1
        engine.dispose()


def test_orders_are_listed_in_order():
    with PostgresContainer("postgres:16-alpine", user="orders", password="secret", dbname="orders") as postgres:
        assert postgres.POSTGRES_USER == "orders"
        engine = sqlalchemy.create_engine(postgres.get_connection_url())
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL)"))
            connection.execute(sqlalchemy.text("INSERT INTO orders (item) VALUES ('pen'), ('ink')"))
        with engine.connect() as connection:
            items = connection.execute(sqlalchemy.text("SELECT item FROM orders ORDER BY id")).scalars().all()
        assert items == ["pen", "ink"]
        engine.dispose()
