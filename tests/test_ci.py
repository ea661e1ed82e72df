"""`.ci/other-pythons`: the tests without Docker on every supported Python the machine has."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ("bash", "sed", "ls", "sort", "tail", "rm", "dirname", "basename", "mkdir", "ln")
FAKE_PYTHON = """#!/bin/bash
# a stand-in interpreter: logs how it was called, makes venvs of itself, fails pytest where told to
echo "$(basename "$(dirname "$(dirname "$0")")")/$(basename "$0") $*" >> "$CALLS"
case "$1" in
  -c) echo "$MAIN_MINOR" ;;
  --version) echo "Python $VERSION" ;;
  -m) if [ "$2" = venv ]; then mkdir -p "$3/bin" && ln -s "$0" "$3/bin/pip" && ln -s "$0" "$3/bin/python"; fi
      if [ "$2" = pytest ] && [ "$VERSION" = "$FAILING" ]; then exit 1; fi ;;
esac
exit 0
"""


def supported_minors() -> list[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.findall(r'"Programming Language :: Python :: (3\.\d+)"', text)


def test_the_classifiers_name_every_python_from_requires_python_up():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    [minimum] = re.findall(r'requires-python = ">=(3\.\d+)"', text)
    minors = supported_minors()
    assert minors[0] == minimum
    assert [int(m.split(".")[1]) for m in minors] == list(range(int(minimum.split(".")[1]), int(minors[-1].split(".")[1]) + 1))
    assert f"{sys.version_info[0]}.{sys.version_info[1]}" in minors, "the suite runs on a Python it claims"


def run_other_pythons(tmp_path: Path, installed: list[str], failing: str = "") -> tuple[subprocess.CompletedProcess, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool))
    (bin_dir / "python3").write_text(FAKE_PYTHON)
    (bin_dir / "python3").chmod(0o755)
    for version in installed:
        interpreter = tmp_path / "pyenv/versions" / version / "bin/python"
        interpreter.parent.mkdir(parents=True)
        interpreter.write_text(FAKE_PYTHON.replace('"Python $VERSION"', f'"Python {version}"')
                               .replace('[ "$VERSION" = "$FAILING" ]', f'[ "{version}" = "$FAILING" ]'))  # fmt: skip
        interpreter.chmod(0o755)
    env = {"PATH": str(bin_dir), "PYENV_ROOT": str(tmp_path / "pyenv"), "HOME": str(tmp_path), "TMPDIR": str(tmp_path),
           "CALLS": str(tmp_path / "calls"), "MAIN_MINOR": "3.11", "FAILING": failing}  # fmt: skip
    process = subprocess.run(["bash", str(ROOT / ".ci/other-pythons")], env=env, capture_output=True, text=True)
    calls = (tmp_path / "calls").read_text() if (tmp_path / "calls").exists() else ""
    return process, calls


def test_each_other_supported_python_gets_its_own_venv_and_the_tests_without_docker(tmp_path):
    process, calls = run_other_pythons(tmp_path, ["3.12.1", "3.12.7", "3.13.0"])
    assert process.returncode == 0, process.stderr
    assert process.stdout == "Python 3.10: skipped (this machine has no Python 3.10)\n"
    assert calls == (
        f"{tmp_path.name}/python3 -c import sys; print(\"%d.%d\" % sys.version_info[:2])\n"
        "3.12.7/python --version\n"
        f"3.12.7/python -m venv {tmp_path}/tclint-ci-py3.12\n"
        "tclint-ci-py3.12/pip install -q -e .[test]\n"
        "tclint-ci-py3.12/python -m pytest -m not docker and not slow -p no:cacheprovider -q\n"
        "3.13.0/python --version\n"
        f"3.13.0/python -m venv {tmp_path}/tclint-ci-py3.13\n"
        "tclint-ci-py3.13/pip install -q -e .[test]\n"
        "tclint-ci-py3.13/python -m pytest -m not docker and not slow -p no:cacheprovider -q\n"
    ), "the newest patch release of each minor; python3's own minor (3.11) is left to the full suite"


@pytest.mark.parametrize("failing", [pytest.param("3.10.13", id="first"), pytest.param("3.13.0", id="last")])
def test_a_failure_on_any_python_fails_the_run_after_the_others_ran(tmp_path, failing):
    process, calls = run_other_pythons(tmp_path, ["3.10.13", "3.12.1", "3.13.0"], failing=failing)
    assert process.returncode == 1
    assert f"the tests failed on Python {failing.rsplit('.', 1)[0]}" in process.stderr
    assert calls.count("-m pytest") == 3


def test_ci_run_calls_it_after_the_readme_test_command():
    lines = (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
    readme_command = next(index for index, line in enumerate(lines) if line.endswith(" || status=$?"))
    assert lines.index("bash .ci/other-pythons") > readme_command
    assert os.access(ROOT / ".ci/other-pythons", os.X_OK)
