"""Users in PostgreSQL, through a SQLAlchemy session."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from postgres_repository.models import User


class DuplicateEmail(Exception):
    pass


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, name: str, email: str) -> User:
        user = User(name=name, email=email)
        self.session.add(user)
        try:
            self.session.commit()
        except IntegrityError as error:
            self.session.rollback()
            raise DuplicateEmail(email) from error
        return user

    def get_by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(User.email == email))

    def list_by_name(self) -> list[User]:
        return list(self.session.scalars(select(User).order_by(User.name)))

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(User))
