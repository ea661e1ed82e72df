"""The wheel carries the rule docs, and the pre-commit hooks work through the real pre-commit tool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BAD = (
    "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n"
    "@pytest.fixture\ndef redis_container():\n    with RedisContainer('redis:7-alpine') as redis:\n        yield redis\n"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)], check=True)
    [built] = out.glob("tclint_testcontainers-*.whl")
    return built


@pytest.mark.slow
def test_wheel_ships_the_rule_docs_and_explain_reads_them(wheel, tmp_path):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    docs = sorted(name for name in names if name.startswith("tclint/_rule_docs/"))
    assert docs == sorted(f"tclint/_rule_docs/{path.name}" for path in (ROOT / "rules").glob("*.md"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    probe = "import tclint.catalog as c; print(c.rules_dir())"
    where = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, cwd=tmp_path, check=True)
    assert where.stdout.strip() == str(tmp_path / "site/tclint/_rule_docs")
    explained = subprocess.run([sys.executable, "-m", "tclint", "explain", "TCL101"], env=env, capture_output=True,
                               text=True, cwd=tmp_path)  # fmt: skip
    assert explained.returncode == 0 and explained.stdout.startswith("# function-scoped-container-fixture (TCL101)")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def snapshot_of_this_checkout(destination: Path) -> Path:
    """The working tree (tracked and new files, not ignored ones) as a one-commit repository."""
    listing = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout  # fmt: skip
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    git("init", "-q", cwd=destination)
    git("add", ".", cwd=destination)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "snapshot", cwd=destination)
    return destination


@pytest.mark.slow
def test_pre_commit_hooks_through_pre_commit_try_repo(tmp_path):
    hooks_repo = snapshot_of_this_checkout(tmp_path / "tclint")
    repo = tmp_path / "user-repo"
    (repo / "tests").mkdir(parents=True)
    (repo / "tests/conftest.py").write_text(BAD)
    (repo / "pyproject.toml").write_text("[tool.tclint]\nunsafe-fixes = true\n")
    git("init", "-q", cwd=repo)
    git("add", ".", cwd=repo)
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or "pre-commit"
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip

    def try_repo(hook: str) -> subprocess.CompletedProcess:
        return subprocess.run([pre_commit, "try-repo", str(hooks_repo), hook, "--all-files"], cwd=repo, env=env,
                              capture_output=True, text=True)  # fmt: skip

    check = try_repo("tclint")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "tests/conftest.py:5:1: TCL101 [function-scoped-container-fixture]" in check.stdout
    assert (repo / "tests/conftest.py").read_text() == BAD

    fix = try_repo("tclint-fix")
    assert fix.returncode == 1, "a fixer hook fails when it changed files"
    assert "files were modified by this hook" in fix.stdout
    assert (repo / "tests/conftest.py").read_text() == BAD.replace("@pytest.fixture\n", '@pytest.fixture(scope="session")\n')
    assert try_repo("tclint").returncode == 0


@pytest.mark.slow
def test_the_readme_install_command_works_on_a_fresh_checkout(tmp_path):
    """The README's first command, as written, in a copy of this checkout: a new venv, pip install ., a run."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("<!-- install-command -->", 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    checkout = snapshot_of_this_checkout(tmp_path / "checkout")
    process = subprocess.run(command, shell=True, cwd=checkout, capture_output=True, text=True, timeout=900)
    assert process.returncode == 1, process.stdout + process.stderr
    assert "TCL101 [function-scoped-container-fixture]" in process.stdout
    assert process.stdout.rstrip().splitlines()[-1].startswith("Found 5 problems")
