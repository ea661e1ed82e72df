import sqlalchemy


def test_database_answers(postgres_container):
    engine = sqlalchemy.create_engine(postgres_container.get_connection_url())
    with engine.connect() as connection:
        assert connection.execute(sqlalchemy.text("select 1")).scalar() == 1
    engine.dispose()


def test_cache_answers(redis_container):
    assert redis_container.get_client().ping()
