"""Create a user (PostgreSQL), read it back through a Redis cache that may be down."""

from __future__ import annotations

import json

import redis
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy import String, create_engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

CACHE_SECONDS = 60


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), unique=True)


class NewUser(BaseModel):
    name: str
    email: str


def as_json(user: User) -> dict:
    return {"id": user.id, "name": user.name, "email": user.email}


def create_app(database_url: str, redis_url: str) -> FastAPI:
    engine = create_engine(database_url)
    Base.metadata.create_all(engine)
    cache = redis.Redis.from_url(redis_url)
    app = FastAPI()
    app.state.engine, app.state.cache = engine, cache

    @app.post("/api/users", status_code=201)
    def create_user(new: NewUser) -> dict:
        with Session(engine) as session:
            user = User(name=new.name, email=new.email)
            session.add(user)
            try:
                session.commit()
            except IntegrityError:
                raise HTTPException(409, "email already registered") from None
            return as_json(user)

    @app.get("/api/users/{user_id}")
    def get_user(user_id: int) -> dict:
        key = f"user:{user_id}"
        try:
            cached = cache.get(key)
        except redis.ConnectionError:
            cached = None  # the cache is an optimisation: serve from the database
        if cached is not None:
            return json.loads(cached)
        with Session(engine) as session:
            user = session.get(User, user_id)
            if user is None:
                raise HTTPException(404, "no such user")
            body = as_json(user)
        try:
            cache.set(key, json.dumps(body), ex=CACHE_SECONDS)
        except redis.ConnectionError:
            pass
        return body

    return app


def reset(app: FastAPI) -> None:
    """Remove what tests created: the tables' rows and the cache."""
    Base.metadata.drop_all(app.state.engine)
    app.state.cache.flushdb()
    app.state.cache.close()
    app.state.engine.dispose()
