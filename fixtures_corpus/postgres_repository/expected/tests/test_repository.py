import pytest
from sqlalchemy.orm import Session

from postgres_repository import DuplicateEmail, UserRepository


def test_add_and_find_by_email(engine):
    with Session(engine) as session:
        repository = UserRepository(session)
        repository.add("Alice", "alice@example.com")
        assert repository.get_by_email("alice@example.com").name == "Alice"


def test_starts_empty(engine):
    with Session(engine) as session:
        assert UserRepository(session).count() == 0


def test_email_is_unique(engine):
    with Session(engine) as session:
        repository = UserRepository(session)
        repository.add("Bob", "bob@example.com")
        with pytest.raises(DuplicateEmail):
            repository.add("Robert", "bob@example.com")
        assert repository.count() == 1


def test_list_by_name(engine):
    with Session(engine) as session:
        repository = UserRepository(session)
        for name in ("Carol", "Alice", "Bob"):
            repository.add(name, f"{name.lower()}@example.com")
        assert [user.name for user in repository.list_by_name()] == ["Alice", "Bob", "Carol"]
