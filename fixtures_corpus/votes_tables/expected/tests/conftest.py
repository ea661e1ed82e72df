import pytest
from testcontainers.community.postgres import PostgresContainer
from testcontainers.core.waiting_utils import wait_for_logs

from tests.test_utils import psycopg2_url

# built at import time, started by the fixture below
reporting_db = PostgresContainer("postgres:16-alpine", dbname="reports")


@pytest.fixture(scope="session")
def reporting_url():
    reporting_db.start()
    wait_for_logs(reporting_db, "database system is ready to accept connections", timeout=30)
    yield psycopg2_url(reporting_db)
    reporting_db.stop()


@pytest.fixture(scope="session")
def postgres_container():
    with PostgresContainer("postgres:16-alpine") as postgres_container:
        yield postgres_container
