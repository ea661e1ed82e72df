"""The GitHub Action (`action.yml`) and the README's example workflow, run as a runner would run them:
each `run:` step under `bash -eo pipefail`, its `env:` with the inputs filled in, `$GITHUB_PATH` honoured
between steps."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from test_packaging import snapshot_of_this_checkout

from tclint import REPOSITORY, __version__

ROOT = Path(__file__).resolve().parents[1]
EXPRESSION = re.compile(r"\$\{\{\s*([\w.]+)\s*\}\}")


def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def readme_workflow() -> dict:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return yaml.safe_load(readme.split("<!-- github-workflow -->", 1)[1].split("```yaml\n", 1)[1].split("\n```", 1)[0])


def workflow_steps() -> list[dict]:
    [job] = readme_workflow()["jobs"].values()
    return job["steps"]


def action_step() -> dict:
    owner_and_name = REPOSITORY.removeprefix("https://github.com/")
    [step] = [step for step in workflow_steps() if step.get("uses", "").startswith(f"{owner_and_name}@")]
    return step


def test_the_action_is_composite_with_the_documented_inputs():
    described = action()
    assert described["runs"]["using"] == "composite"
    assert sorted(described["inputs"]) == ["args", "paths", "version"]
    assert all("${{" not in step["run"] for step in described["runs"]["steps"]), "inputs reach scripts through env"
    assert "tclint check --output-format github" in described["runs"]["steps"][-1]["run"]


def test_the_readme_workflow_uses_this_repository_at_the_latest_release():
    assert action_step()["uses"] == f"{REPOSITORY.removeprefix('https://github.com/')}@v{__version__}"
    assert set(action_step()["with"]) <= set(action()["inputs"])


class Runner:
    """Runs steps the way a GitHub runner does, in `workspace`."""

    def __init__(self, tmp_path: Path, workspace: Path, action_path: Path) -> None:
        self.tmp_path, self.workspace, self.action_path = tmp_path, workspace, action_path
        self.github_path = tmp_path / "github_path"
        self.github_path.write_text("")
        self.path = os.environ["PATH"]

    def expand(self, value: str, inputs: dict[str, str]) -> str:
        def one(match: re.Match) -> str:
            name = match.group(1)
            if name.startswith("inputs."):
                key = name.removeprefix("inputs.")
                return str(inputs.get(key, action()["inputs"][key].get("default", "")))
            assert name == "github.action_path", f"the test does not know the expression {name}"
            return str(self.action_path)

        return EXPRESSION.sub(one, str(value))

    def run(self, step: dict, inputs: dict[str, str]) -> subprocess.CompletedProcess:
        script = self.tmp_path / "step.sh"
        script.write_text(step["run"])
        env = {**os.environ, "PATH": self.path, "RUNNER_TEMP": str(self.tmp_path / "runner-temp"),
               "GITHUB_PATH": str(self.github_path), "GITHUB_ACTION_PATH": str(self.action_path),
               "GITHUB_WORKSPACE": str(self.workspace)}  # fmt: skip
        env.update({key: self.expand(value, inputs) for key, value in step.get("env", {}).items()})
        (self.tmp_path / "runner-temp").mkdir(exist_ok=True)
        process = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=self.workspace,
                                 env=env, capture_output=True, text=True, timeout=900)  # fmt: skip
        added = [line for line in self.github_path.read_text().splitlines() if line]
        self.path = os.pathsep.join([*reversed(added), os.environ["PATH"]])
        return process


@pytest.mark.slow
def test_the_readme_workflow_runs_the_action_and_annotates_the_findings(tmp_path):
    workspace = tmp_path / "workspace"
    shutil.copytree(ROOT / "fixtures_corpus/redis_locks", workspace, ignore=shutil.ignore_patterns("expected"))
    runner = Runner(tmp_path, workspace, snapshot_of_this_checkout(tmp_path / "action"))
    inputs = {key: str(value) for key, value in action_step()["with"].items()}
    install, check = action()["runs"]["steps"]

    installed = runner.run(install, inputs)
    assert installed.returncode == 0, installed.stderr
    checked = runner.run(check, inputs)
    assert checked.returncode == 1, "the job fails while findings remain"
    annotations = checked.stdout.splitlines()
    assert annotations and all(line.startswith("::error file=tests/") for line in annotations), checked.stdout
    assert any(",title=TCL101 function-scoped-container-fixture::" in line for line in annotations)

    [sarif_step] = [step for step in workflow_steps() if "sarif" in step.get("run", "")]
    sarif = runner.run(sarif_step, inputs)
    assert sarif.returncode == 0, sarif.stderr
    [run] = json.loads((workspace / "tclint.sarif").read_text())["runs"]
    assert len(run["results"]) == len(annotations), "tclint is on the job's PATH after the action"


@pytest.mark.slow
def test_the_action_passes_on_a_clean_suite_and_takes_paths_and_args(tmp_path):
    workspace = tmp_path / "workspace"
    shutil.copytree(ROOT / "fixtures_corpus/redis_locks", workspace, ignore=shutil.ignore_patterns("expected"))
    runner = Runner(tmp_path, workspace, snapshot_of_this_checkout(tmp_path / "action"))
    install, check = action()["runs"]["steps"]
    assert runner.run(install, {}).returncode == 0
    clean = runner.run(check, {"paths": "redis_locks tests/conftest.py", "args": "--select TCL3 --ignore TCL301"})
    assert (clean.returncode, clean.stdout) == (0, "")
