"""verify's test runs import the tests as the `pytest` command does."""

from __future__ import annotations

import sys
import time

from helpers import write

from tclint.verify.pytest_runs import PytestRunner


def test_an_import_only_the_project_folder_resolves_fails_as_under_the_pytest_command(tmp_path):
    # no tests/__init__.py and no pythonpath: pytest puts tests/ on sys.path, not the project folder
    write(tmp_path, {
        "tests/helper.py": "VALUE = 1\n",
        "tests/test_through_the_project.py": "from tests.helper import VALUE\n\n\ndef test_value():\n    assert VALUE == 1\n",
        "tests/test_beside.py": "from helper import VALUE\n\n\ndef test_value():\n    assert VALUE == 1\n",
    })  # fmt: skip
    runner = PytestRunner(sys.executable, timeout=120, deadline=time.monotonic() + 120, docker=None)
    outcome = runner.run(tmp_path, ["tests"])
    assert outcome.passed == {"tests/test_beside.py::test_value"}
