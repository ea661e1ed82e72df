"""The testcontainers guide's own "don't" examples (../shared/reference/testcontainer-testing.md, copied
here line for line so that the tests run without it), linted and fixed with every default rule: each
becomes its "do" form, or is reported when no mechanical fix exists."""

from __future__ import annotations

import pytest
from helpers import write

from tclint.runner import RunOptions, run
from tclint.settings import load_settings

HEADER = "import time\n\nimport pytest\nfrom testcontainers.community.redis import RedisContainer\n"

CASES = [
    pytest.param(
        # "Anti-Patterns to Avoid: Function-Scoped Containers"
        HEADER + "\n\n# DON'T DO THIS - Too slow\n@pytest.fixture  # function scope\ndef redis_container():\n"
        '    redis = RedisContainer("redis:7-alpine")\n    redis.start()\n    yield redis\n    redis.stop()\n',
        HEADER + '\n\n# DON\'T DO THIS - Too slow\n@pytest.fixture(scope="session")  # function scope\ndef redis_container():\n'
        '    redis = RedisContainer("redis:7-alpine")\n    redis.start()\n    yield redis\n    redis.stop()\n',
        [],
        id="function-scoped-container",
    ),
    pytest.param(
        # "Anti-Patterns to Avoid: Manual Container Management"
        HEADER + '\n\n# DON\'T DO THIS - Use fixtures instead\ndef test_redis():\n    redis = RedisContainer("redis:7-alpine")\n'
        "    redis.start()\n    # test code\n    redis.stop()\n",
        HEADER + '\n\n@pytest.fixture(scope="session")\ndef redis_container():\n'
        '    with RedisContainer("redis:7-alpine") as redis_container:\n        yield redis_container\n\n\n'
        "# DON'T DO THIS - Use fixtures instead\ndef test_redis(redis_container):\n    # test code\n    pass\n",
        [],
        id="manual-container-management",
    ),
    pytest.param(
        # "Anti-Pattern: Mixing Sleep and Polling"
        HEADER + "\n\ndef test_polling(condition):\n    # ❌ DON'T DO THIS\n    for _ in range(30):\n        if condition():\n"
        "            break\n        time.sleep(1)  # Wastes full second even if condition met after 10ms\n",
        "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n"  # `time` went with the loop
        "from tests.test_utils import wait_for_condition_sync\n\n\ndef test_polling(condition):\n    # ❌ DON'T DO THIS\n"
        '    wait_for_condition_sync(condition, "condition()", timeout_ms=30000)\n',
        [],
        id="sleep-polling-loop",
    ),
    pytest.param(
        # "Container Versioning Best Practices: Strategy 3: Latest Tag (Not Recommended)"
        HEADER.replace("redis import RedisContainer", "postgres import PostgresContainer")
        + '\n\n# ❌ DON\'T DO THIS IN PRODUCTION\n@pytest.fixture(scope="session")\ndef postgres_container():\n'
        '    with PostgresContainer("postgres:latest") as postgres:  # ❌ Unpredictable\n        yield postgres\n',
        HEADER.replace("redis import RedisContainer", "postgres import PostgresContainer")
        + '\n\n# ❌ DON\'T DO THIS IN PRODUCTION\n@pytest.fixture(scope="session")\ndef postgres_container():\n'
        '    with PostgresContainer("postgres:16.0-alpine") as postgres:  # ❌ Unpredictable\n        yield postgres\n',
        [],
        id="latest-tag",
    ),
    pytest.param(
        # "The Problem with Sleep": no condition to poll can be derived, so it is reported
        HEADER + "\n\nasync def test_status(service):\n    # ❌ FLAKY: Timing guess\n"
        "    await asyncio.sleep(2)  # Hope service is ready\n    result = await service.get_status()\n",
        None,
        ["sleep-in-test"],
        id="timing-guess",
    ),
    pytest.param(
        # "Anti-Patterns to Avoid: No Cleanup": a client type tclint does not know is reported
        HEADER + "\n\n# DON'T DO THIS - Tests contaminate each other\n@pytest.fixture\nasync def redis_client(redis_config):\n"
        "    client = RedisClient(redis_config)\n    await client.connect()\n    yield client\n    # Missing cleanup!\n",
        None,
        ["client-fixture-without-cleanup"],
        id="no-cleanup",
    ),
]


@pytest.mark.parametrize(("source", "expected", "reported"), CASES)
def test_guide_anti_pattern(project, source, expected, reported):
    source = source.replace("import time\n", "import asyncio\nimport time\n") if "asyncio.sleep" in source else source
    # the guide imports its helper as `tests.test_utils`: pytest imports from the project root
    write(project, {"pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["."]\n', "tests/integration/test_guide.py": source})
    settings = load_settings(None, project)
    found = run(["."], settings, RunOptions(cache=False))
    assert found.errors == []
    if expected is None:
        assert [d.name for d in found.diagnostics] == reported
        assert all(d.fix is None for d in found.diagnostics)
        return
    fixed = run(["."], settings, RunOptions(fix=True, unsafe=True, cache=False))
    assert fixed.errors == [] and fixed.diagnostics == []
    assert (project / "tests/integration/test_guide.py").read_text() == expected


def test_guide_mock_fixture_is_reported_in_integration_code(project):
    # "Anti-Patterns to Avoid: Mocking with Testcontainers"
    source = "from unittest.mock import MagicMock\n\nimport pytest\n\n\n# DON'T DO THIS - Defeats the purpose\n" \
             "@pytest.fixture\ndef mock_redis():\n    return MagicMock()\n"  # fmt: skip
    write(project, {"tests/integration/conftest.py": source})
    found = run(["."], load_settings(None, project), RunOptions(cache=False))
    assert [(d.name, d.line) for d in found.diagnostics] == [("mocked-infrastructure", 9)]


def test_guide_mockserver_readiness_loop(project):
    # "Example 3: MockServer HTTP Client Testing", its fixture as written
    source = '''\
import pytest
from testcontainers.core.container import DockerContainer


@pytest.fixture(scope="session")
def mockserver_container():
    """Start MockServer container for HTTP testing."""
    import requests, time
    container = DockerContainer("mockserver/mockserver:latest")
    container.with_exposed_ports(1080)
    container.start()

    # Wait for MockServer to be ready
    host = container.get_container_host_ip()
    port = container.get_exposed_port(1080)
    url = f"http://{host}:{port}"

    for _ in range(30):
        try:
            response = requests.put(f"{url}/status", timeout=1.0)
            break  # Any response means server is up
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(1)
    else:
        container.stop()
        raise RuntimeError("MockServer failed to start")

    yield container
    container.stop()
'''
    write(project, {"tests/integration/conftest.py": source})
    result = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert result.errors == [] and result.diagnostics == [] and result.fixed == 2
    fixed = (project / "tests/integration/conftest.py").read_text()
    assert 'DockerContainer("mockserver/mockserver:5.15.0")' in fixed
    assert """\
    def probe_succeeds():
        try:
            response = requests.put(f"{url}/status", timeout=1.0)
        except (requests.ConnectionError, requests.Timeout):
            return False
        return True
    try:
        wait_for_condition_sync(probe_succeeds, 'requests.put(f"{url}/status", timeout=1.0) to succeed', timeout_ms=30000)
    except TimeoutError as error:
        container.stop()
        raise RuntimeError("MockServer failed to start") from error
""" in fixed
