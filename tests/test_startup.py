"""Start-up: the light commands import neither libcst nor rich's heavy parts."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import write

HEAVY = ("libcst", "rich.console", "rich.table", "rich.markdown", "pygments")


def imported_modules(*args: str) -> set[str]:
    process = subprocess.run([sys.executable, "-X", "importtime", "-m", "tclint", *args], capture_output=True, text=True)
    assert process.returncode in (0, 1), process.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in process.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--version",), id="version"),
        pytest.param(("--help",), id="help"),
        pytest.param(("check", "--help"), id="check-help"),
        pytest.param(("rules",), id="rules"),
        pytest.param(("explain", "TCL101"), id="explain"),
        pytest.param(("config",), id="config"),
        pytest.param(("--no-cache", "tests/test_plain.py"), id="check-file-no-rule-can-match"),
    ],
)
def test_light_commands_do_not_import_libcst(project, args):
    write(project, {"tests/test_plain.py": "def test_add():\n    assert 1 + 1 == 2\n"})
    modules = imported_modules(*args)
    assert "tclint.cli" in modules, "the probe saw tclint start"
    assert not [name for name in modules if name.split(".")[0] in HEAVY or name in HEAVY]


def test_a_file_that_can_match_does_import_libcst(project):
    write(project, {"tests/conftest.py": "import testcontainers\n"})
    assert "libcst" in imported_modules("--no-cache", "tests/conftest.py")


def test_a_warm_rerun_of_unchanged_files_does_not_import_libcst(project):
    write(project, {
        "tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef numbers():\n    return [1, 2]\n",
        "tests/test_sum.py": "import time\n\n\ndef test_sum(numbers):\n    time.sleep(1)\n    assert sum(numbers) == 3\n",
    })  # fmt: skip
    assert "libcst" in imported_modules("tests"), "the first run parses the files"
    assert "libcst" not in imported_modules("tests")


def test_version_imports_neither_the_renderers_nor_the_rule_catalog(project):
    """`tclint --version` was 1.4x v0.1's (bench/RESULTS.md) when cli.py took FORMATS from tclint.output."""
    modules = imported_modules("--version")
    assert "tclint.cli" in modules
    assert not {"tclint.output", "tclint.catalog", "json"} & modules


def test_the_formats_the_cli_offers_are_those_output_renders():
    from tclint.formats import FORMATS, MACHINE_FORMATS
    from tclint.output import RENDERERS

    assert (tuple(RENDERERS), set(MACHINE_FORMATS) <= set(FORMATS)) == (FORMATS, True)
