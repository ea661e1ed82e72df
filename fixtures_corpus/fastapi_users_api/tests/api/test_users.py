import json

from sqlalchemy import text


def test_create_user_persists_it(client, app):
    response = client.post("/api/users", json={"name": "Alice", "email": "alice@example.com"})
    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "Alice"
    with app.state.engine.connect() as connection:
        row = connection.execute(text("select name, email from users where id = :id"), {"id": created["id"]}).one()
    assert tuple(row) == ("Alice", "alice@example.com")


def test_read_goes_through_the_cache(client, app):
    user_id = client.post("/api/users", json={"name": "Bob", "email": "bob@example.com"}).json()["id"]
    first = client.get(f"/api/users/{user_id}")
    assert first.status_code == 200
    assert json.loads(app.state.cache.get(f"user:{user_id}")) == first.json()
    second = client.get(f"/api/users/{user_id}")
    assert second.json() == first.json()


def test_duplicate_email_is_a_conflict(client):
    assert client.post("/api/users", json={"name": "Carol", "email": "carol@example.com"}).status_code == 201
    assert client.post("/api/users", json={"name": "Caroline", "email": "carol@example.com"}).status_code == 409


def test_unknown_user(client):
    assert client.get("/api/users/4242").status_code == 404
