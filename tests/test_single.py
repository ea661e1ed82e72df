"""`lint_source`: a text linted as if it were the file at a path gives what a run on that file gives."""

from __future__ import annotations

import os
import subprocess
import sys

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


NO_RULE_CAN_MATCH = "def test_add():\n    assert 1 + 1 == 2\n"
UNUSED_SUPPRESSION = "def test_add():  # noqa: TCL104\n    assert 1 + 1 == 2\n"


@pytest.mark.parametrize(
    ("files", "source", "parsed"),
    [
        pytest.param({}, NO_RULE_CAN_MATCH, False, id="no-rule-can-match"),
        pytest.param({"tests/conftest.py": "def helper():\n    return 1\n"}, NO_RULE_CAN_MATCH, False, id="conftest-without-containers"),
        pytest.param({"tests/conftest.py": CONFTEST}, NO_RULE_CAN_MATCH, False, id="conftest-fixture-unused"),
        # the file names a fixture of the conftest.py (not a container one): it is parsed for its fixtures' facts
        pytest.param({"tests/conftest.py": CONFTEST}, "def test_x(settings):\n    assert settings == {}\n", True,
                     id="conftest-fixture-named"),  # fmt: skip
        pytest.param({"tests/conftest.py": CONFTEST}, "def test_ping(redis_container):\n    assert redis_container\n", True,
                     id="conftest-container-fixture-used"),  # fmt: skip
        pytest.param({}, "from testcontainers.community.redis import RedisContainer\n", True, id="testcontainers"),
        pytest.param({}, UNUSED_SUPPRESSION, True, id="suppression-of-a-project-wide-rule"),
    ],
)
def test_a_file_no_rule_can_match_is_answered_without_parsing_it(project, files, source, parsed):
    """As in a run (the prefilter, with the container fixtures of the conftest.py files above), and
    libcst is not even imported: `--stdin-filename` and the editor server answer such files at once."""
    write(project, {"pyproject.toml": "[tool.tclint]\n", **files})
    code = (
        "import sys\nfrom pathlib import Path\nfrom tclint.settings import load_settings\nfrom tclint.single import lint_source\n"
        f"report, _ = lint_source({source.encode()!r}, Path('tests/test_x.py'), load_settings(None, Path('.')))\n"
        "print(sorted(d.code for d in report.diagnostics), 'libcst' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=True)
    settings = load_settings(None, project)
    (project / "tests").mkdir(exist_ok=True)
    (project / "tests/test_x.py").write_text(source)
    before = os.getcwd()
    os.chdir(project)
    try:
        expected = sorted(d.code for d in run(["tests/test_x.py"], settings, RunOptions(cache=False)).diagnostics)
    finally:
        os.chdir(before)
    assert done.stdout == f"{expected} {parsed}\n"
