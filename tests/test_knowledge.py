"""The knowledge tables are generated from the testcontainers and pytest sources; they must not drift."""

from __future__ import annotations

from tclint.knowledge import canonical_name, container_class, fixture_scope
from tclint.knowledge.generate import OUTPUT, render


def test_generated_tables_match_the_installed_sources():
    assert OUTPUT.read_text(encoding="utf-8") == render(), "run: python -m tclint.knowledge.generate"


def test_both_testcontainers_layouts_are_one_class():
    assert canonical_name("testcontainers.community.postgres.PostgresContainer") == "testcontainers.postgres.PostgresContainer"
    postgres = container_class("testcontainers.postgres.PostgresContainer")
    assert postgres.default_image == "postgres:latest" and postgres.waits_until_ready and 5432 in postgres.ports


def test_facts_read_from_the_source():
    assert container_class("testcontainers.redis.RedisContainer").default_image == "redis:latest"
    assert container_class("testcontainers.localstack.LocalStackContainer").default_image == "localstack/localstack:2.0.1"
    assert container_class("testcontainers.kafka.KafkaContainer").default_image.startswith("confluentinc/cp-kafka:")
    assert not container_class("testcontainers.core.container.DockerContainer").waits_until_ready
    assert container_class("testcontainers.core.container.DockerContainer").default_image is None
    assert fixture_scope("tmp_path") == "function" and fixture_scope("tmp_path_factory") == "session"
    assert fixture_scope("pytestconfig") == "session" and fixture_scope("my_own_fixture") is None


def test_configured_container_classes_are_matched_by_glob():
    found = container_class("acme.testing.BillingContainer", ("acme.testing.*Container",))
    assert found is not None and found.configured
    assert container_class("acme.testing.helper", ("acme.testing.*Container",)) is None
