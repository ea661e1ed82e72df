from postgres_repository.models import Base, User
from postgres_repository.repository import DuplicateEmail, UserRepository

__all__ = ["Base", "DuplicateEmail", "User", "UserRepository"]
