"""Collected through python_files = *_check.py, not test_*.py."""

import psycopg2


def test_the_reporting_database_answers(reporting_url):
    connection = psycopg2.connect(reporting_url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone()[0] == "reports"
    connection.close()
