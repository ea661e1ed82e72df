from unittest.mock import patch

import redis


def test_read_falls_back_to_the_database_when_the_cache_is_down(client):
    user_id = client.post("/api/users", json={"name": "Dan", "email": "dan@example.com"}).json()["id"]
    with patch("redis.Redis.get", side_effect=redis.ConnectionError("cache down")):
        response = client.get(f"/api/users/{user_id}")
    assert response.status_code == 200
    assert response.json()["email"] == "dan@example.com"
