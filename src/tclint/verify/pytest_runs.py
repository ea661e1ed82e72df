"""One pytest run of a scratch copy for `tclint verify`: the outcome of every test (from a JUnit report),
its wall time, and the containers it created (from the Docker engine's events).

pytest runs with `--rootdir` set to the copy, so that test ids are paths from the project root whatever
the arguments are (without a configuration file, pytest would take their common folder).
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tclint.verify.docker_engine import DockerEngine, DockerError

CONTAINER_ENV_DEFAULTS = {"TESTCONTAINERS_RYUK_DISABLED": "true"}
LATE_CREATE_CHECKS = 2  # after a kill, a create request already sent may still complete


class VerifyError(Exception):
    """Verification stopped; nothing was changed."""


class VerifyTimeout(VerifyError):
    pass


@dataclass
class TestRun:
    wall_seconds: float
    outcomes: dict[str, bool]  # test id -> passed (skipped tests are left out)
    containers: Counter | None  # image -> containers created; None when no Docker engine answered
    output: str = ""

    @property
    def passed(self) -> set[str]:
        return {test for test, ok in self.outcomes.items() if ok}

    def last_line(self) -> str:
        """pytest's closing line (or its last words), to say why nothing passed."""
        lines = [line.strip() for line in self.output.splitlines() if line.strip()]
        return lines[-1] if lines else "no output"


# pytest as its `pytest` command starts it: `python -m pytest` would put the project folder first on
# sys.path (and -c puts "" there), so an import that fails under `pytest` would pass in verify's trials
RUN_PYTEST = "import sys; sys.path[:] = [p for p in sys.path if p]; import pytest; sys.exit(pytest.console_main())"


@dataclass(frozen=True)
class PytestRunner:
    python: str  # the interpreter that runs the tests
    timeout: float  # seconds, for the whole verification
    deadline: float  # time.monotonic() when it ends
    docker: DockerEngine | None

    def run(self, project: Path, targets: list[str]) -> TestRun:
        """pytest TARGETS in `project`, with `python`, as the `pytest` command runs them. Past the deadline:
        kill it, remove the containers it created and raise VerifyTimeout."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise VerifyTimeout("the time limit ran out before the tests did")
        with tempfile.TemporaryDirectory(prefix="tclint-junit-") as folder:
            report = Path(folder) / "report.xml"
            # a module that cannot be imported (a driver not installed) must not keep the others from running;
            # a fixed module that no longer imports loses its tests, which then count as failing
            command = [self.python, "-c", RUN_PYTEST, "-q", "-p", "no:cacheprovider", "-o", "junit_family=xunit1",
                       "--continue-on-collection-errors", f"--junitxml={report}", f"--rootdir={project}", *targets]  # fmt: skip
            since = time.time()
            started = time.perf_counter()
            process = subprocess.Popen(command, cwd=project, env={**CONTAINER_ENV_DEFAULTS, **os.environ},
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
            try:
                output, _ = process.communicate(timeout=remaining)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                left = _remove_created(self.docker, since)
                raise VerifyTimeout(f"the tests ran past the time limit ({self.timeout:g} s){left}") from None
            wall = time.perf_counter() - started
            outcomes = parse_junit(report)
        return TestRun(wall, outcomes, self._count(since), output)

    def _count(self, since: float) -> Counter | None:
        if self.docker is None:
            return None
        try:
            return self.docker.count_created(since, time.time())
        except (OSError, DockerError) as error:
            raise VerifyError(f"the Docker engine stopped answering: {error}") from None


def parse_junit(report: Path) -> dict[str, bool]:
    """Test id (`path::Class::name` or `path::name`) -> passed, from pytest's xunit1 report."""
    if not report.is_file():
        return {}
    outcomes = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        classname = case.get("classname", "")
        module_path = case.get("file") or classname.replace(".", "/") + ".py"
        owner = classname.rsplit(".", 1)[-1]
        test = f"{module_path}::{owner}::{case.get('name')}" if owner[:1].isupper() else f"{module_path}::{case.get('name')}"
        if not any(child.tag == "skipped" for child in case):
            outcomes[test] = not any(child.tag in ("failure", "error") for child in case)
    return outcomes


def _remove_created(docker: DockerEngine | None, since: float) -> str:
    """Remove the containers a killed run created; what could not be removed, as a clause of the message."""
    if docker is None:
        return "; no Docker engine answered, so containers it started may still run"
    problems = []
    for _ in range(LATE_CREATE_CHECKS):
        time.sleep(1)
        try:
            for event in docker.created_since(since, time.time()):
                docker.remove(event["id"])
        except (OSError, DockerError) as error:
            problems.append(str(error))
    return f"; containers it started may still run ({problems[-1]})" if problems else ""
