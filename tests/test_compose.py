"""Docker Compose stacks: reading compose files, the stacks in the project index, and the rules' compose cases."""

from __future__ import annotations

import pytest
from helpers import write

from rule_docs import strip_markers
from tclint.compose_file import ComposeFile, Port, Service, read_compose, read_services, started
from tclint.runner import RunOptions, run
from tclint.settings import load_settings

PYPROJECT = '[project]\nname = "example"\ndependencies = ["testcontainers==4.15.0"]\n\n[tool.tclint]\nselect = ["{rules}"]\n'

PYPROJECT_3 = PYPROJECT.replace("testcontainers==4.15.0", "testcontainers==3.7.1")

STACK = """services:
  db:
    image: postgres:16.4
    ports:
      - "5432:5432"
  web:
    image: nginx:1.27
    ports:
      - 127.0.0.1:8080:80
"""


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(STACK, (Service("db", "postgres:16.4", (Port(5432, 5432),)), Service("web", "nginx:1.27", (Port(8080, 80),))),
                 id="short-syntax"),
    pytest.param("""
# the stack the tests start
version: '3.8'
services:
  api:                      # the service under test
    image: 'example/api:2.1'
    ports:
    - 8000:8000
    - "9000:9000/tcp"
    - '127.0.0.1::6379'
    - "7000"
    - 8125/udp
""", (Service("api", "example/api:2.1", (Port(8000, 8000), Port(9000, 9000), Port(None, 6379), Port(None, 7000), Port(None, 8125))),),
                 id="short-syntax-forms"),
    pytest.param("""
services:
  web:
    image: nginx
    ports:
      - target: 80
        published: 8080
        protocol: tcp
      - target: 443
        published: "8443"
        host_ip: 127.0.0.1
      - target: 9090
""", (Service("web", "nginx", (Port(8080, 80), Port(8443, 443), Port(None, 9090))),), id="long-syntax"),
    pytest.param("""
services:
  cache: {image: redis, ports: ["6379:6379"]}
""", (Service("cache", None, ()),), id="flow-mapping-service-unknown"),
    pytest.param("""
services:
  cache: {image: "redis:7.4", command: 'redis-server --save ""'}
""", (Service("cache", "redis:7.4", ()),), id="flow-mapping-of-scalars"),
    pytest.param("""
x-base: &base
  image: postgres
services:
  db:
    <<: *base
    ports: ["${DB_PORT:-5432}:5432", "5433:5433"]
  app:
    build: .
    image: postgres:${PG_VERSION}
""", (Service("db", None, (Port(5433, 5433),)), Service("app", None, (), built=True)), id="merge-interpolation-and-build-unknown"),
    pytest.param("""
services:
  db:
    image: postgres:16
    command: >
      postgres
      -c fsync=off
    ports:
      - "5432:5432"
""", (Service("db", "postgres:16", (Port(5432, 5432),)),), id="folded-scalar-skipped"),
    pytest.param("""
name: orders
x-app-env: &app-env
  DATABASE_URL: "postgresql://orders:secret@db:5432/orders#main"
  BROKER: amqp://guest:guest@queue:5672//
services:
  db:
    image: postgres:16.4-alpine
    container_name: orders-db
    environment:
      POSTGRES_PASSWORD: secret   # only for the tests
    healthcheck:
      test: [ "CMD-SHELL", "pg_isready -U $$POSTGRES_USER -d orders" ]
      interval: 2s
    ports:
      - "${DB_PORT:-5432}:5432"
      - 127.0.0.1:15432:5432
  api:
    image: "ghcr.io/example/orders-api:1.4.2"
    environment: *app-env
    command: >
      uvicorn app:main
      --port 8000
    ports:
      - 8000:8000
    deploy:
      resources:
        limits:
          memory: 512M
    secrets:
      - api_key
  devcontainer:
    build: .devcontainer
    network_mode: service:db
secrets:
  api_key:
    file: ./api_key.txt
""", (Service("db", "postgres:16.4-alpine", (Port(15432, 5432),)),
      Service("api", "ghcr.io/example/orders-api:1.4.2", (Port(8000, 8000),)),
      Service("devcontainer", None, (), needs=("db",), built=True)), id="shapes-of-real-suites"),
])  # fmt: skip
def test_compose_file_services(text, expected):
    assert read_services(text) == expected


@pytest.mark.parametrize("text", [
    pytest.param("", id="empty"),
    pytest.param("services: [db, web]\n", id="services-not-a-mapping"),
    pytest.param("services:\n\tdb:\n\t\timage: postgres\n", id="tab-indented"),
    pytest.param("services:\n  db:\n    image: postgres\n---\nservices:\n  web:\n    image: nginx\n", id="two-documents"),
    pytest.param("services:\n    db:\n      image: postgres\n  web:\n    image: nginx\n", id="broken-indentation"),
])  # fmt: skip
def test_compose_file_that_cannot_be_read_has_no_services(text):
    assert read_services(text) is None


def lint(project, files: dict[str, str], rules: str, cache: bool = False):
    """(found, expected) for every Python file: (path, line, rule) from the run and from the markers."""
    expected = []
    sources = {}
    for path, text in files.items():
        if path.endswith(".py") and isinstance(text, str):
            text, marked = strip_markers(text.lstrip("\n"))
            expected += [(path, line, name) for line, name in marked]
        sources[path] = text
    pyproject = sources.pop("pyproject.toml", PYPROJECT).format(rules=rules)
    write(project, {"pyproject.toml": pyproject, **sources})
    result = run(["."], load_settings(None, project), RunOptions(cache=cache))
    assert result.errors == []
    return sorted((d.path, d.line, d.name) for d in result.diagnostics), sorted(expected), result


STACK_TEST = """
import psycopg
import requests
from testcontainers.compose import DockerCompose


def test_stack():
    with DockerCompose("tests", compose_file_name="docker-compose.yml") as compose:
        assert requests.get("http://localhost:8080/health").ok  # error: [hardcoded-container-address]
        psycopg.connect(host="localhost", port=5432)  # error: [hardcoded-container-address]
        assert requests.get(f"http://127.0.0.1:{8080}/").ok  # error: [hardcoded-container-address]
"""

CASES = [
    pytest.param({"tests/docker-compose.yml": STACK, "tests/test_stack.py": STACK_TEST}, id="published-ports"),
    pytest.param({"tests/compose.yaml": STACK, "tests/test_stack.py": """
from pathlib import Path

import requests
from testcontainers.compose import DockerCompose

HERE = Path(__file__).parent


def test_stack():
    with DockerCompose(HERE) as compose:
        assert requests.get("http://localhost:8080/health").ok  # error: [hardcoded-container-address]
"""}, id="default-file-next-to-the-test"),
    pytest.param({"tests/compose/stack.yml": STACK, "tests/conftest.py": """
import os

import pytest
from testcontainers.compose import DockerCompose


@pytest.fixture(scope="session")
def stack():
    with DockerCompose(os.path.join(os.path.dirname(__file__), "compose"), compose_file_name=["stack.yml"]) as compose:
        yield compose
""", "tests/test_api.py": """
import requests


def test_api(stack):
    assert requests.get("http://localhost:8080/health").ok  # error: [hardcoded-container-address]


def test_other_service(stack):
    assert requests.get("http://localhost:9999/health").ok
"""}, id="conftest-fixture-hands-out-the-stack"),
    pytest.param({"tests/docker-compose.yml": STACK, "tests/test_stack.py": """
import os

import requests
from testcontainers.compose import DockerCompose


def test_near_misses():
    with DockerCompose("tests") as compose:
        os.environ["NO_PROXY"] = "localhost,127.0.0.1"
        assert requests.get("http://localhost:9999/health").ok
        host = compose.get_service_host("web", 80)
        assert requests.get(f"http://{host}:{compose.get_service_port('web', 80)}/").ok
"""}, id="near-misses-stay-silent"),
    pytest.param({"tests/test_stack.py": """
import requests
from testcontainers.compose import DockerCompose


def test_unread_stack():
    with DockerCompose("tests", compose_file_name="missing.yml") as compose:
        assert requests.get("http://localhost:8080/health").ok
"""}, id="missing-compose-file-stays-silent"),
    pytest.param({"tests/docker-compose.yml": b"\xff\xfe\x00services:\x00", "tests/test_stack.py": """
import requests
from testcontainers.compose import DockerCompose


def test_unread_stack():
    with DockerCompose("tests") as compose:
        assert requests.get("http://localhost:8080/health").ok
"""}, id="binary-compose-file-stays-silent"),
    pytest.param({"tests/docker-compose.yml": "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n",
                  "tests/test_stack.py": """
import requests
from testcontainers.compose import DockerCompose


def test_unread_stack():
    with DockerCompose(find_folder()) as compose:
        assert requests.get("http://localhost:8080/health").ok
"""}, id="folder-not-evaluated-stays-silent"),
]


CASES += [
    pytest.param({"tests/docker-compose.yml": STACK, "tests/test_stack.py": """
import requests
from testcontainers.compose import DockerCompose


def test_stack():
    with DockerCompose("tests") as compose:
        port = compose.get_service_port("web", 80)
        assert requests.get(f"http://localhost:{port}/health").ok  # error: [hardcoded-container-address]
        assert requests.get(f"http://localhost:{compose.get_service_port('cache', 6379)}/").ok
"""}, id="host-beside-the-service-port"),
    pytest.param({"tests/docker-compose.yml": STACK, "tests/test_stack.py": """
import unittest
from os.path import abspath, dirname

import psycopg
from testcontainers.compose import DockerCompose


class TestOrders(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.compose = DockerCompose(filepath=dirname(abspath(__file__)))
        cls.compose.start()

    @classmethod
    def tearDownClass(cls):
        cls.compose.stop()

    def test_orders(self):
        with psycopg.connect("postgresql://test:test@localhost:5432/test") as connection:  # error: [hardcoded-container-address]
            assert connection.execute("select 1").fetchone() == (1,)
"""}, id="stack-kept-by-a-test-class"),
    pytest.param({"tests/compose.yaml": STACK, "tests/test_stack.py": """
import requests
from testcontainers.compose import DockerCompose


def test_stack():
    with DockerCompose("tests") as compose:
        assert requests.get("http://localhost:8080/health").ok
""", "pyproject.toml": PYPROJECT_3}, id="testcontainers-3-reads-docker-compose-yml-only"),
    pytest.param({"tests/docker-compose.yml": STACK, "tests/test_stack.py": """
import requests
from testcontainers.compose import DockerCompose


def test_stack():
    with DockerCompose(filepath="tests") as compose:
        assert requests.get("http://localhost:8080/health").ok  # error: [hardcoded-container-address]
""", "pyproject.toml": PYPROJECT_3}, id="testcontainers-3-filepath-and-default-file"),
]


@pytest.mark.parametrize("files", CASES)
def test_hardcoded_address_of_a_compose_service(project, files):
    found, expected, _ = lint(project, files, "hardcoded-container-address")
    assert found == expected


def test_compose_address_fix_uses_the_service_and_its_internal_port(project):
    write(project, {"pyproject.toml": PYPROJECT.format(rules="hardcoded-container-address"), "tests/docker-compose.yml": STACK,
                    "tests/test_stack.py": strip_markers(STACK_TEST.lstrip("\n"))[0]})  # fmt: skip
    run(["."], load_settings(None, project), RunOptions(cache=False, fix=True, unsafe=True))
    assert (project / "tests/test_stack.py").read_text() == '''import psycopg
import requests
from testcontainers.compose import DockerCompose


def test_stack():
    with DockerCompose("tests", compose_file_name="docker-compose.yml") as compose:
        assert requests.get(f"http://{compose.get_service_host('web', 80)}:{compose.get_service_port('web', 80)}/health").ok
        psycopg.connect(host=compose.get_service_host("db", 5432), port=int(compose.get_service_port("db", 5432)))
        assert requests.get(f"http://{compose.get_service_host('web', 80)}:{compose.get_service_port('web', 80)}/").ok
'''


def test_compose_address_fix_is_unsafe(project):
    _, _, result = lint(project, {"tests/docker-compose.yml": STACK, "tests/test_stack.py": STACK_TEST}, "hardcoded-container-address")
    assert {d.fix.applicability for d in result.diagnostics} == {"unsafe"}


UNPINNED = """services:
  db:
    image: postgres
  cache:
    image: redis:latest
  search:
    image: elasticsearch:8.15.0
  proxy:
    image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000
  app:
    build: .
  worker:
    image: example/worker:${TAG:-1.0}
"""

UNPINNED_TEST = """
from testcontainers.compose import DockerCompose


def test_stack():
    with DockerCompose("tests") as compose:  # error: [unpinned-container-image]
        assert compose.get_service_port("db", 5432)
"""


def test_unpinned_compose_images_are_reported_at_the_call(project):
    found, _, result = lint(project, {"tests/docker-compose.yml": UNPINNED, "tests/test_stack.py": UNPINNED_TEST}, "unpinned-container-image")
    assert [(d.line, d.column, d.message) for d in result.diagnostics] == [
        (5, 10, "Compose service `db` in `tests/docker-compose.yml` runs image `postgres`, which has no tag, so it means `latest`: "
                "the image changes under the tests"),
        (5, 10, "Compose service `cache` in `tests/docker-compose.yml` runs image `redis:latest` with the moving tag `latest`: "
                "the image changes under the tests"),
    ]  # fmt: skip
    assert [d.fix for d in result.diagnostics] == [None, None]


def test_pinned_compose_images_are_silent(project):
    stack = "services:\n  db:\n    image: postgres:16.4\n  proxy:\n    image: nginx@sha256:" + "0" * 64 + "\n  app:\n    build: .\n"
    found, _, _ = lint(project, {"tests/docker-compose.yml": stack, "tests/test_stack.py": UNPINNED_TEST}, "unpinned-container-image")
    assert found == []


def test_an_edit_to_the_compose_file_between_cached_runs_changes_the_result(project):
    files = {"tests/test_stack.py": UNPINNED_TEST}
    write(project, {"tests/docker-compose.yml": STACK})
    assert lint(project, files, "unpinned-container-image", cache=True)[0] == []
    (project / "tests/docker-compose.yml").write_text(STACK.replace("postgres:16.4", "postgres"))
    found = lint(project, files, "unpinned-container-image", cache=True)[0]
    assert found == [("tests/test_stack.py", 5, "unpinned-container-image")]
    (project / "tests/docker-compose.yml").write_text(STACK)
    assert lint(project, files, "unpinned-container-image", cache=True)[0] == []


def test_a_compose_file_created_between_cached_runs_changes_the_result(project):
    files = {"tests/test_stack.py": UNPINNED_TEST}
    assert lint(project, files, "unpinned-container-image", cache=True)[0] == []
    write(project, {"tests/compose.yaml": UNPINNED})
    found = lint(project, files, "unpinned-container-image", cache=True)[0]
    assert found == [("tests/test_stack.py", 5, "unpinned-container-image")] * 2


def test_an_edit_to_a_conftest_stack_reaches_the_tests_that_use_it(project):
    conftest = CASES[2].values[0]
    files = {path: text for path, text in conftest.items() if path != "tests/compose/stack.yml"}
    write(project, {"tests/compose/stack.yml": STACK})
    assert lint(project, files, "hardcoded-container-address", cache=True)[0] == [("tests/test_api.py", 5, "hardcoded-container-address")]
    (project / "tests/compose/stack.yml").write_text(STACK.replace("8080:80", "9999:80"))
    found = lint(project, files, "hardcoded-container-address", cache=True)[0]
    assert found == [("tests/test_api.py", 9, "hardcoded-container-address")]


def test_a_stack_configured_with_wait_strategies_is_a_start_in_the_test(project):
    found, expected, _ = lint(project, {"tests/docker-compose.yml": STACK, "tests/test_stack.py": """
from testcontainers.compose import DockerCompose
from testcontainers.core.waiting_utils import HttpWaitStrategy


def test_stack():
    with DockerCompose("tests").waiting_for({"web": HttpWaitStrategy(80)}) as compose:  # error: [container-started-in-test]
        assert compose.get_service_port("web", 80)
"""}, "container-started-in-test")
    assert found == expected


def test_a_conftest_stack_read_from_the_cache_serves_an_edited_test(project):
    files = dict(CASES[2].values[0])
    test_api = strip_markers(files.pop("tests/test_api.py").lstrip("\n"))[0]
    write(project, {"pyproject.toml": PYPROJECT.format(rules="hardcoded-container-address"), **files, "tests/test_api.py": "import requests\n"})
    settings = load_settings(None, project)
    assert run(["."], settings, RunOptions(cache=True)).diagnostics == []
    write(project, {"tests/test_api.py": test_api})
    result = run(["."], settings, RunOptions(cache=True))
    assert [(d.path, d.line) for d in result.diagnostics] == [("tests/test_api.py", 5)]
    assert ("tests/conftest.py", "cached (unchanged since the last run)") in result.notes


PROFILED = """services:
  db:
    image: postgres
  admin:
    image: adminer
    profiles: ["admin"]
  debug:
    image: busybox:latest
    ports:
      - "8080:80"
    profiles:
      - debug
"""


@pytest.mark.parametrize(("call", "reported"), [
    pytest.param('DockerCompose("tests")', ["db"], id="no-profile-enabled"),
    pytest.param('DockerCompose("tests", profiles=["admin"])', ["db", "admin"], id="a-profile-enabled"),
    pytest.param('DockerCompose("tests", profiles=enabled_profiles())', ["db"], id="profiles-not-read"),
])  # fmt: skip
def test_services_of_profiles_the_stack_does_not_enable_are_not_started(project, call, reported):
    source = UNPINNED_TEST.replace('DockerCompose("tests")', call)
    _, _, result = lint(project, {"tests/docker-compose.yml": PROFILED, "tests/test_stack.py": source}, "unpinned-container-image")
    assert [d.message.split("`")[1] for d in result.diagnostics] == reported


def test_a_port_of_a_service_the_stack_does_not_start_is_not_its_address(project):
    source = """
import requests
from testcontainers.compose import DockerCompose


def test_stack():
    with DockerCompose("tests") as compose:
        assert requests.get("http://localhost:8080/").ok
"""
    found, _, _ = lint(project, {"tests/docker-compose.yml": PROFILED, "tests/test_stack.py": source}, "hardcoded-container-address")
    assert found == []


def test_an_override_file_added_between_cached_runs_changes_the_result(project):
    files = {"tests/test_stack.py": UNPINNED_TEST}
    write(project, {"tests/compose.yaml": STACK})
    assert lint(project, files, "unpinned-container-image", cache=True)[0] == []
    write(project, {"tests/compose.override.yaml": "services:\n  cache:\n    image: redis:latest\n"})
    found = lint(project, files, "unpinned-container-image", cache=True)[0]
    assert found == [("tests/test_stack.py", 5, "unpinned-container-image")]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("""
include:
  - ../shared/broker.yaml
  - path: ../shared/observability.yaml
    project_directory: ..
  - path:
      - db.yaml
      - db.override.yaml
  - ${EXTRA_STACK}
  - path: ${EXTRA_STACK:-extra.yaml}
services:
  api:
    image: example/api:2.1
    depends_on: [broker]
""", ComposeFile((Service("api", "example/api:2.1", (), needs=("broker",)),),
                 (("../shared/broker.yaml",), ("../shared/observability.yaml",), ("db.yaml", "db.override.yaml"))), id="include-entries"),
    pytest.param("""
include:
  - db.yaml
""", ComposeFile((), (("db.yaml",),)), id="only-includes"),
])  # fmt: skip
def test_compose_file_includes(text, expected):
    assert read_compose(text) == expected


@pytest.mark.parametrize(("text", "needs"), [
    pytest.param("""
services:
  api:
    image: example/api:2.1
    depends_on:
      - db
      - cache
""", {"api": ("db", "cache")}, id="depends-on-list"),
    pytest.param("""
services:
  api:
    image: example/api:2.1
    depends_on: [db, "cache"]
""", {"api": ("db", "cache")}, id="depends-on-flow-list"),
    pytest.param("""
services:
  api:
    image: example/api:2.1
    depends_on:
      db:
        condition: service_healthy
        restart: true
      migrate:
        condition: service_completed_successfully
      tracing:
        condition: service_started
        required: false
""", {"api": ("db", "migrate", "tracing")}, id="depends-on-mapping"),
    pytest.param("""
services:
  api:
    image: example/api:2.1
    depends_on:
      db: {condition: service_healthy}
""", {"api": ("db",)}, id="depends-on-flow-condition"),
    pytest.param("""
services:
  api:
    image: example/api:2.1
    depends_on:
      db: { condition: service_healthy, required: false }
      cache: {condition: service_started, required: true}
      queue: {condition: [service_started]}
""", {"api": ("db", "cache", "queue")}, id="depends-on-flow-mappings"),
    pytest.param("""
services:
  admin:
    image: phpmyadmin:5.2
    links:
      - mysql
      - "cache:redis"
  sidecar:
    image: busybox:1.36
    network_mode: "service:admin"
    ipc: service:mysql
    volumes_from:
      - cache:ro
      - container:legacy-data
      - service:logs
""", {"admin": ("mysql", "cache"), "sidecar": ("cache", "logs", "admin", "mysql")},
                 id="links-volumes-from-and-service-modes"),
    pytest.param("""
services:
  api:
    image: example/api:2.1
    network_mode: host
    depends_on: db
""", {"api": ()}, id="depends-on-a-scalar-unknown"),
    pytest.param("""
x-common: &common
  depends_on: [db]
services:
  api:
    <<: *common
    image: example/api:2.1
    links: [cache]
""", {"api": ("cache",)}, id="merge-key-brings-dependencies-not-read"),
])  # fmt: skip
def test_compose_file_dependencies(text, needs):
    assert {service.name: service.needs for service in read_services(text)} == needs


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("""
services:
  base:
    image: postgres:16.4
    ports: ["5432"]
  replica:
    extends: base
    ports: ["5433:5432"]
  tuned:
    extends:
      service: replica
    image: postgres:17.0
""", (Service("base", "postgres:16.4", (Port(None, 5432),)),
      Service("replica", "postgres:16.4", (Port(None, 5432), Port(5433, 5432))),
      Service("tuned", "postgres:17.0", (Port(None, 5432), Port(5433, 5432)))), id="extends-in-the-same-file"),
    pytest.param("""
services:
  api:
    extends:
      file: common.yml
      service: webapp
    ports: ["8080:80"]
  worker:
    extends: missing
  loop:
    extends: loop
""", (Service("api", None, (Port(8080, 80),)), Service("worker", None, ()), Service("loop", None, ())),
                 id="extends-another-file-or-nothing-unknown"),
    pytest.param("""
services:
  db:
    image: postgres:16.4
  base:
    image: example/api:2.1
    depends_on: [db]
  api:
    extends: base
""", (Service("db", "postgres:16.4", ()), Service("base", "example/api:2.1", (), needs=("db",)),
      Service("api", "example/api:2.1", ())), id="extends-a-base-with-dependencies-not-inherited"),
    pytest.param("""
services:
  app:
    build:
      context: .
    image: example/app
  tests:
    extends: app
    image: example/app-tests
""", (Service("app", "example/app", (), built=True), Service("tests", "example/app-tests", (), built=True)), id="build-with-image-is-built"),
])  # fmt: skip
def test_compose_file_extends_and_builds(text, expected):
    assert read_services(text) == expected


GRAPH = read_services("""
services:
  api:
    image: example/api:2.1
    depends_on:
      db:
        condition: service_healthy
      tracing:
        condition: service_started
        required: false
  db:
    image: postgres:16.4
    links: [volumes]
  volumes:
    image: busybox:1.36
  tracing:
    image: jaeger:1.60
    profiles: [observability]
  admin:
    image: adminer:4.8.1
    profiles: [debug]
    depends_on: [db]
  report:
    image: example/report:1.0
    depends_on: [tracing]
  worker:
    image: example/worker:1.0
    depends_on: [queue]
  legacy:
    image: example/legacy:1.0
    depends_on: db
""")


@pytest.mark.parametrize(("profiles", "targets", "expected"), [
    pytest.param((), None, ["api", "db", "volumes", "report", "worker", "legacy"], id="all-but-profiles"),
    pytest.param((), (), ["api", "db", "volumes", "report", "worker", "legacy"], id="empty-list-is-all"),
    pytest.param((), ("api",), ["api", "db", "volumes"], id="transitive-dependencies"),
    pytest.param(("observability",), ("api",), ["api", "db", "volumes", "tracing"], id="optional-dependency-enabled"),
    pytest.param((), ("admin",), ["db", "volumes", "admin"], id="a-target-enables-its-profile"),
    pytest.param((), ("volumes",), ["volumes"], id="a-leaf"),
    pytest.param((), ("report",), ["report"], id="a-dependency-of-a-profile-not-enabled-is-not-started"),
    pytest.param((), ("worker",), ["worker"], id="a-dependency-no-file-defines-adds-nothing"),
    pytest.param((), ("nginx", "volumes"), ["volumes"], id="a-target-no-file-defines-adds-nothing"),
    pytest.param((), ("legacy",), ["legacy"], id="unreadable-dependencies-add-nothing"),
])  # fmt: skip
def test_services_a_stack_starts(profiles, targets, expected):
    assert [service.name for service in started(GRAPH, frozenset(profiles), targets)] == expected


SERVED = """services:
  api:
    image: example/api:2.1
    ports:
      - "8080:80"
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres
    ports:
      - "5432:5432"
  admin:
    image: adminer
    ports:
      - "8081:8080"
    depends_on: [db]
  search:
    image: elasticsearch:latest
    ports:
      - "9200:9200"
"""


@pytest.mark.parametrize(("call", "reported"), [
    pytest.param('DockerCompose("tests")', ["db", "admin", "search"], id="every-service"),
    pytest.param('DockerCompose("tests", services=["api"])', ["db"], id="a-target-and-its-dependency"),
    pytest.param('DockerCompose("tests", services=["admin", "search"])', ["db", "admin", "search"], id="two-targets"),
    pytest.param('DockerCompose("tests", services=API_ONLY)', ["db"], id="a-constant"),
    pytest.param('DockerCompose("tests", None, False, False, True, False, None, ["search"])', ["search"], id="the-eighth-argument"),
    pytest.param('DockerCompose("tests", services=[])', ["db", "admin", "search"], id="an-empty-list-is-every-service"),
    pytest.param('DockerCompose("tests", services=None)', ["db", "admin", "search"], id="none-is-every-service"),
    pytest.param('DockerCompose("tests", services=wanted())', [], id="services-not-read"),
    pytest.param('DockerCompose("tests", services=["api", *EXTRA])', [], id="starred-not-read"),
    pytest.param('DockerCompose("tests", services=["nginx"])', [], id="a-service-the-file-lacks"),
])  # fmt: skip
def test_images_of_services_the_stack_does_not_start_are_not_reported(project, call, reported):
    source = 'API_ONLY = ["api"]\n' + UNPINNED_TEST.replace('DockerCompose("tests")', call)
    _, _, result = lint(project, {"tests/docker-compose.yml": SERVED, "tests/test_stack.py": source}, "unpinned-container-image")
    assert [d.message.split("`")[1] for d in result.diagnostics] == reported


def test_dependencies_an_override_file_adds_are_started(project):
    source = UNPINNED_TEST.replace('DockerCompose("tests")', 'DockerCompose("tests", services=["search"])')
    files = {"tests/compose.yaml": SERVED, "tests/compose.override.yaml": "services:\n  search:\n    depends_on: [db]\n",
             "tests/test_stack.py": source}  # fmt: skip
    _, _, result = lint(project, files, "unpinned-container-image")
    assert [d.message.split("`")[1] for d in result.diagnostics] == ["db", "search"]


def test_a_target_whose_dependencies_a_merge_key_brings_is_still_started(project):
    stack = "x-base: &base\n  depends_on: [db]\nservices:\n  db:\n    image: postgres\n  api:\n    <<: *base\n    image: example/api\n"
    source = UNPINNED_TEST.replace('DockerCompose("tests")', 'DockerCompose("tests", services=["api"])')
    _, _, result = lint(project, {"tests/docker-compose.yml": stack, "tests/test_stack.py": source}, "unpinned-container-image")
    assert [d.message.split("`")[1] for d in result.diagnostics] == ["api"]


def test_services_of_testcontainers_3_are_not_read(project):
    source = UNPINNED_TEST.replace('DockerCompose("tests")', 'DockerCompose("tests", services=["api"])')
    files = {"tests/docker-compose.yml": SERVED, "tests/test_stack.py": source, "pyproject.toml": PYPROJECT_3}
    assert lint(project, files, "unpinned-container-image")[0] == []


def test_ports_of_services_the_stack_does_not_start_are_not_its_addresses(project):
    found, expected, _ = lint(project, {"tests/docker-compose.yml": SERVED, "tests/test_stack.py": """
import psycopg
import requests
from testcontainers.compose import DockerCompose


def test_api():
    with DockerCompose("tests", services=["api"]) as compose:
        assert requests.get("http://localhost:8080/health").ok  # error: [hardcoded-container-address]
        psycopg.connect(host="localhost", port=5432)  # error: [hardcoded-container-address]
        assert requests.get("http://localhost:8081/").ok
        assert requests.get("http://localhost:9200/").ok


def test_search():
    with DockerCompose("tests", services=["search"]) as compose:
        assert requests.get("http://localhost:9200/").ok  # error: [hardcoded-container-address]
        assert requests.get("http://localhost:8080/health").ok
"""}, "hardcoded-container-address")
    assert found == expected


def test_a_conftest_stack_of_some_services_serves_its_tests(project):
    found, expected, _ = lint(project, {"tests/docker-compose.yml": SERVED, "tests/conftest.py": """
import pytest
from testcontainers.compose import DockerCompose


@pytest.fixture(scope="session")
def search():
    with DockerCompose("tests", services=["search"]) as compose:
        yield compose
""", "tests/test_search.py": """
import requests


def test_search(search):
    assert requests.get("http://localhost:9200/").ok  # error: [hardcoded-container-address]
    assert requests.get("http://localhost:5432/").ok
"""}, "hardcoded-container-address")
    assert found == expected


def test_a_dependency_added_between_cached_runs_changes_the_result(project):
    source = UNPINNED_TEST.replace('DockerCompose("tests")', 'DockerCompose("tests", services=["search"])')
    files = {"tests/test_stack.py": source}
    write(project, {"tests/docker-compose.yml": SERVED})
    assert lint(project, files, "unpinned-container-image", cache=True)[0] == [("tests/test_stack.py", 5, "unpinned-container-image")]
    (project / "tests/docker-compose.yml").write_text(SERVED.replace('      - "9200:9200"\n', '      - "9200:9200"\n    depends_on: [admin]\n'))
    _, _, result = lint(project, files, "unpinned-container-image", cache=True)
    assert [d.message.split("`")[1] for d in result.diagnostics] == ["db", "admin", "search"]
    assert ("tests/test_stack.py", "cached (unchanged since the last run)") not in result.notes


INCLUDING = """include:
  - shared/db.yaml
services:
  api:
    image: example/api:2.1
    ports:
      - "8080:80"
    depends_on: [db]
  cache:
    image: redis:7.4
"""

INCLUDED = """services:
  db:
    image: postgres
    ports:
      - "5432:5432"
  cache:
    image: redis:latest
  search:
    image: elasticsearch:latest
"""


def test_services_an_include_brings_are_started(project):
    source = UNPINNED_TEST.replace('DockerCompose("tests")', 'DockerCompose("tests", services=["api"])')
    files = {"tests/compose.yaml": INCLUDING, "tests/shared/db.yaml": INCLUDED, "tests/test_stack.py": source}
    _, _, result = lint(project, files, "unpinned-container-image")
    assert [d.message for d in result.diagnostics] == [
        "Compose service `db` in `tests/shared/db.yaml` runs image `postgres`, which has no tag, so it means `latest`: the image changes under the tests"
    ]


def test_a_port_an_included_service_publishes_is_its_address(project):
    found, expected, _ = lint(project, {"tests/compose.yaml": INCLUDING, "tests/shared/db.yaml": INCLUDED, "tests/test_stack.py": """
import psycopg
from testcontainers.compose import DockerCompose


def test_api():
    with DockerCompose("tests") as compose:
        psycopg.connect(host="localhost", port=5432)  # error: [hardcoded-container-address]
"""}, "hardcoded-container-address")
    assert found == expected


def test_an_edit_to_an_included_file_between_cached_runs_changes_the_result(project):
    files = {"tests/test_stack.py": UNPINNED_TEST}
    write(project, {"tests/compose.yaml": INCLUDING, "tests/shared/db.yaml": INCLUDED.replace("postgres\n", "postgres:16.4\n")})
    found = lint(project, files, "unpinned-container-image", cache=True)[0]
    assert found == [("tests/test_stack.py", 5, "unpinned-container-image")]  # `search`: the own `cache` is kept, not the included one
    (project / "tests/shared/db.yaml").write_text(INCLUDED)
    found = lint(project, files, "unpinned-container-image", cache=True)[0]
    assert found == [("tests/test_stack.py", 5, "unpinned-container-image")] * 2
