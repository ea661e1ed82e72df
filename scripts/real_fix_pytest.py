"""One run of a real suite for bench/REAL_FIXES.md: pytest in DIR with PYTHON, and the containers it created
(the Docker engine's `create` events during the run; `labelled`: those with testcontainers' label). Containers
of the run still there afterwards are removed. Appends a JSON line to $REALFIX_RUNS/results.jsonl and keeps
pytest's output in $REALFIX_RUNS/logs/LABEL.log.

    flock /tmp/tclint-docker.lock python scripts/real_fix_pytest.py LABEL DIR PYTHON [PYTEST_ARGS...]
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

CONTAINER_ENV = {"TESTCONTAINERS_RYUK_DISABLED": "true", "TESTCONTAINERS_CONNECTION_MODE": "docker_host",
                 "TC_HOST": "localhost"}  # fmt: skip
OUTCOMES = r"(\d+) (passed|failed|errors?|skipped|deselected|xfailed|xpassed)"


def created_between(since: float, until: float) -> list[dict]:
    command = ["docker", "events", "--since", f"{since:.3f}", "--until", f"{until:.3f}", "--filter", "type=container",
               "--filter", "event=create", "--format", "{{json .}}"]  # fmt: skip
    lines = subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def remove_leftovers(ids: list[str]) -> int:
    left = [i for i in ids if subprocess.run(["docker", "inspect", i], capture_output=True, check=False).returncode == 0]
    if left:
        subprocess.run(["docker", "rm", "-f", "-v", *left], capture_output=True, check=False)
    return len(left)


def summary_of(output: str) -> str:
    closing = [line for line in output.splitlines() if re.search(OUTCOMES, line)]
    return closing[-1] if closing else (output.strip().splitlines() or [""])[-1]


def main(label: str, folder: str, python: str, *pytest_args: str) -> dict:
    runs = Path(os.environ.get("REALFIX_RUNS", "/tmp/realfix-runs"))
    since, started = time.time(), time.monotonic()
    command = [python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfE", *pytest_args]
    run = subprocess.run(command, cwd=folder, env={**os.environ, **CONTAINER_ENV}, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    time.sleep(1)  # the engine's last events
    created = created_between(since, time.time())
    attributes = [event["Actor"]["Attributes"] for event in created]
    output = run.stdout + run.stderr
    summary = summary_of(output)
    result = {
        "label": label, "rc": run.returncode, "summary": summary,
        "counts": {kind: int(number) for number, kind in re.findall(OUTCOMES, summary)},
        "failed": sorted(set(re.findall(r"^(?:FAILED|ERROR) (\S+)", output, re.MULTILINE))),
        "containers": len(created),
        "labelled": sum(1 for found in attributes if found.get("org.testcontainers") == "true"),
        "images": dict(Counter(found.get("image", "?") for found in attributes)),
        "leftovers_removed": remove_leftovers([event["Actor"]["ID"] for event in created]),
        "wall": round(wall, 1),
    }  # fmt: skip
    (runs / "logs").mkdir(parents=True, exist_ok=True)
    (runs / "logs" / f"{label}.log").write_text(output, encoding="utf-8")
    with (runs / "results.jsonl").open("a", encoding="utf-8") as results:
        results.write(json.dumps(result) + "\n")
    return result


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
