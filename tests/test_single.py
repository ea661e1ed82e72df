"""`lint_source`: a text linted as if it were the file at a path gives what a run on that file gives."""

from __future__ import annotations

import pytest
from helpers import write

from tclint.runner import RunOptions, run
from tclint.settings import load_settings
from tclint.single import lint_source

CONFTEST = """\
import pytest
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7-alpine") as redis:
        yield redis


@pytest.fixture
def settings():
    return {}
"""
USES_CONFTEST = """\
import time

import pytest
from testcontainers.community.redis import RedisContainer


@pytest.fixture
def other_redis(settings):
    with RedisContainer("redis:7-alpine") as redis:
        yield redis


@pytest.fixture(scope="session")
def same_redis():  # tclint: ignore[TCL101]
    with RedisContainer("redis:7-alpine") as redis:
        yield redis


def test_waits(redis_container):
    time.sleep(1)
    assert redis_container.get_client().ping()
"""
FIXABLE = "from testcontainers.redis import RedisContainer  # noqa: TCL102\n"


@pytest.mark.parametrize(
    ("path", "source"),
    [
        pytest.param("tests/test_x.py", USES_CONFTEST, id="conftest-facts-and-project-rule"),
        pytest.param("tests/legacy/test_x.py", USES_CONFTEST, id="per-file-ignores"),
        pytest.param("tests/test_fixable.py", FIXABLE, id="fixable"),
        pytest.param("tests/conftest.py", CONFTEST + "\n\ndef broken(:\n", id="syntax-error"),
    ],
)
@pytest.mark.parametrize("fix", [False, True], ids=["check", "fix"])
def test_a_text_gives_what_a_run_on_the_file_gives(project, path, source, fix):
    write(project, {"pyproject.toml": '[tool.tclint]\nper-file-ignores = { "tests/legacy/*" = ["TCL301"] }\n',
                    "tests/conftest.py": CONFTEST, "tests/legacy/conftest.py": "", path: source})  # fmt: skip
    settings = load_settings(None, project)
    report, fixed = lint_source(source.encode(), project / path, settings, fix=fix, unsafe=True)
    result = run([path], settings, RunOptions(fix=fix, unsafe=True, cache=False))
    assert report.diagnostics == result.diagnostics
    assert [(report.path, report.error)] == (result.errors or [(path, None)])
    assert fixed == (project / path).read_bytes()
    assert fix or fixed == source.encode()


def test_the_file_need_not_exist_and_the_disk_is_not_written(project):
    pinned = '[project]\nname = "x"\ndependencies = ["testcontainers==4.15.0"]\n'  # the legacy-import fix needs it
    write(project, {"pyproject.toml": pinned, "tests/conftest.py": CONFTEST})
    report, fixed = lint_source(FIXABLE.encode(), "tests/test_new.py", load_settings(None, project), fix=True)
    assert fixed == b"from testcontainers.community.redis import RedisContainer\n"
    assert report.path == "tests/test_new.py" and report.diagnostics == [] and report.fixed == 2
    assert not (project / "tests/test_new.py").exists()
