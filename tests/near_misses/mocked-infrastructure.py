# Mocks of what is not infrastructure: a third-party HTTP API, the clock, a callback.
from unittest import mock

import fakeredis


def test_charges_the_card(monkeypatch):
    with mock.patch("payments.gateway.requests.post") as post:
        post.return_value.json.return_value = {"status": "ok"}
        assert post is not None


def test_report_date():
    with mock.patch("reports.build.datetime") as fake_datetime:
        fake_datetime.now.return_value = "2024-01-01"
        assert fake_datetime.now() == "2024-01-01"


def test_callback_called():
    callback = mock.Mock()
    callback("done")
    callback.assert_called_once_with("done")


def test_rate_limiter_in_a_unit_test():  # no container in this module: an in-memory fake is the unit test's business
    client = fakeredis.FakeRedis()
    assert client.incr("hits") == 1
