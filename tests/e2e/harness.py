"""Run a fixtures_corpus project the way a user would: lint it, fix it, run its suite against real
containers before and after, and count the containers each run created (through the Docker API)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from helpers import wait_until

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fixtures_corpus"
CONTAINER_ENV = {
    "TESTCONTAINERS_RYUK_DISABLED": "true",  # the reaper image is a stand-in on these machines too
    "TESTCONTAINERS_CONNECTION_MODE": "docker_host",  # reach containers through localhost ports
    "TC_HOST": "localhost",
}
SUITE_TIMEOUT = 900


@dataclass
class SuiteRun:
    returncode: int
    output: str
    wall_seconds: float
    containers: Counter = field(default_factory=Counter)  # image -> containers created

    @property
    def passed(self) -> bool:
        return self.returncode == 0


def projects() -> list[str]:
    return sorted(path.name for path in CORPUS.iterdir() if (path / "expected").is_dir())


GIT_ROOT_MARKER = ".git-root"  # git cannot commit a `.git` folder: the copy gets one where this file is


def copy_project(name: str, destination: Path) -> Path:
    target = destination / name
    shutil.copytree(CORPUS / name, target, ignore=shutil.ignore_patterns("expected", "__pycache__", ".tclint_cache", GIT_ROOT_MARKER))
    if (CORPUS / name / GIT_ROOT_MARKER).exists():
        (target / ".git").mkdir()
    return target


def environment(testcontainers_3: bool = False) -> dict[str, str]:
    docker_host = {"DOCKER_HOST": os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")} if testcontainers_3 else {}
    return {**os.environ, **CONTAINER_ENV, **docker_host, "PYTHONDONTWRITEBYTECODE": "1"}


def tclint(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tclint", *args], cwd=project, capture_output=True, text=True,
                          env=environment(), timeout=300)  # fmt: skip


def tree(project: Path, under: str = "tests") -> dict[str, bytes]:
    root = project / under
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def expected_tree(name: str) -> dict[str, bytes]:
    expected = CORPUS / name / "expected"
    return {key: value for key, value in tree(expected).items()}


def expected_diagnostics(name: str) -> str:
    return (CORPUS / name / "expected" / "diagnostics.txt").read_text(encoding="utf-8")


_last_run_ended = 0.0


def run_suite(project: Path, docker_client, python: str = sys.executable, testcontainers_3: bool = False) -> SuiteRun:
    """The project's tests under `python`. For testcontainers 3.x, which labels none of its containers,
    every container created meanwhile counts, and DOCKER_HOST is set (without it, 3.x sees /.dockerenv
    and reaches containers through the gateway address instead of TC_HOST)."""
    global _last_run_ended
    # event timestamps have one-second resolution: a run starts in a second after the last one ended
    wait_until(lambda: int(time.time()) > int(_last_run_ended), "a second after the last suite run", timeout_s=2)
    since = int(time.time())
    started = time.perf_counter()
    # the `pytest` command, as users run it: `python -m pytest` would put the project folder on sys.path
    process = subprocess.run([str(Path(python).with_name("pytest")), "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"],
                             cwd=project, capture_output=True, text=True, env=environment(testcontainers_3), timeout=SUITE_TIMEOUT)  # fmt: skip
    wall = time.perf_counter() - started
    _last_run_ended = time.time()
    until = int(_last_run_ended) + 1
    containers = containers_created(docker_client, since, until, labelled=not testcontainers_3)
    return SuiteRun(process.returncode, process.stdout + process.stderr, wall, containers)


def containers_created(docker_client, since: int, until: int, labelled: bool = True) -> Counter:
    """Containers testcontainers created between two times, by image."""
    filters = {"type": "container", "event": "create", **({"label": "org.testcontainers=true"} if labelled else {})}
    events = docker_client.events(since=since, until=until, decode=True, filters=filters)
    return Counter(event["Actor"]["Attributes"].get("image", "?") for event in events)
