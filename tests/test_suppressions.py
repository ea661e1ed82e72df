"""Suppression comments and the unused-suppression rule, through the real runner."""

from __future__ import annotations

import pytest
from helpers import write

from tclint.runner import RunOptions, run
from tclint.settings import load_settings
from tclint.suppressions import parse_suppressions

FIXTURE = """\
import pytest
from testcontainers.community.redis import RedisContainer


{decorator}
def redis_container():
    with RedisContainer("redis:7-alpine") as redis:
        yield redis
"""


def lint(project, source: str, fix: bool = False):
    write(project, {"tests/conftest.py": source})
    return run(["."], load_settings(None, project), RunOptions(fix=fix, cache=False))


@pytest.mark.parametrize(
    "decorator",
    [
        pytest.param("@pytest.fixture  # noqa: TCL101", id="noqa-code"),
        pytest.param("@pytest.fixture  # noqa:TCL101,E501", id="noqa-without-spaces"),
        pytest.param("@pytest.fixture  # NOQA: tcl101", id="noqa-any-case"),
        pytest.param("@pytest.fixture  # tclint: ignore[TCL101]", id="ignore-code"),
        pytest.param("@pytest.fixture  # tclint: ignore[function-scoped-container-fixture]", id="ignore-name"),
        pytest.param("@pytest.fixture  # tclint: ignore", id="bare-tclint-ignore"),
        pytest.param("# tclint: ignore[TCL101]\n@pytest.fixture", id="own-line-covers-next-statement"),
        pytest.param("# tclint: ignore-file[TCL101]\n@pytest.fixture", id="ignore-file"),
    ],
)
def test_suppressions_silence_the_diagnostic(project, decorator):
    result = lint(project, FIXTURE.format(decorator=decorator))
    assert result.diagnostics == []


@pytest.mark.parametrize(
    "decorator",
    [
        pytest.param("@pytest.fixture  # noqa", id="bare-noqa-is-not-ours"),
        pytest.param("@pytest.fixture  # noqa: E501", id="other-tools-code"),
        pytest.param('@pytest.fixture  # tclint: ignore[TCL001]', id="other-rule"),
    ],
)
def test_other_comments_do_not_silence_it(project, decorator):
    result = lint(project, FIXTURE.format(decorator=decorator))
    assert "TCL101" in [d.code for d in result.diagnostics]


def test_noqa_inside_a_string_is_not_a_comment():
    assert parse_suppressions('x = "# noqa: TCL101"\ny = 1  # tclint: ignore[TCL101]\n')[0].line == 2
    assert len(parse_suppressions('x = "# noqa: TCL101"\n')) == 0


def test_own_line_directive_before_a_decorator_covers_the_whole_header():
    source = "# tclint: ignore[x]\n@a\n@b(\n  1,\n)\ndef f(\n  y,\n):\n    pass\n"
    [suppression] = parse_suppressions(source)
    assert (suppression.first_line, suppression.last_line) == (2, 8)


def test_ignore_file_applies_from_anywhere_in_the_file(project):
    source = FIXTURE.format(decorator="@pytest.fixture") + "# tclint: ignore-file[function-scoped-container-fixture]\n"
    assert lint(project, source).diagnostics == []


def test_unused_suppression_fix_keeps_trailing_words_in_a_comment(project):
    source = "import os  # noqa: TCL101 explained below\nimport sys  # tclint: ignore[TCL101]  # why\n"
    write(project, {"tests/test_x.py": source})
    result = run(["."], load_settings(None, project), RunOptions(fix=True, cache=False))
    assert result.fixed == 2 and result.diagnostics == []
    assert (project / "tests/test_x.py").read_text() == "import os  # explained below\nimport sys  # why\n"


def test_diagnostics_below_a_removed_directive_line_keep_their_positions(project):
    source = "# tclint: ignore[TCL101]\nimport os\n" + FIXTURE.format(decorator="@pytest.fixture")
    write(project, {"tests/conftest.py": source})
    result = run(["."], load_settings(None, project), RunOptions(fix=True, cache=False))
    [remaining] = result.diagnostics
    text = (project / "tests/conftest.py").read_text()
    assert text.splitlines()[remaining.line - 1] == "@pytest.fixture"


def test_suppressed_diagnostics_are_not_fixed(project):
    source = FIXTURE.format(decorator="@pytest.fixture  # noqa: TCL101")
    write(project, {"tests/conftest.py": source})
    run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert (project / "tests/conftest.py").read_text() == source
