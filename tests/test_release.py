"""The distribution name, the repository address, the version and the release tag agree everywhere a user
reads them: pyproject, the README's snippets, `--version`, SARIF output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tclint import DISTRIBUTION, REPOSITORY, __version__

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def block_after(marker: str) -> str:
    """The first fenced block after an HTML comment marker of the README."""
    return readme().split(marker, 1)[1].split("```", 2)[1].split("\n", 1)[1]


def test_the_distribution_is_not_the_unrelated_tclint_on_pypi():
    assert DISTRIBUTION != "tclint", "`tclint` on PyPI is a Tcl linter"
    assert pyproject()["project"]["name"] == DISTRIBUTION
    assert pyproject()["project"]["urls"]["Repository"] == REPOSITORY
    assert pyproject()["project"]["scripts"] == {"tclint": "tclint.cli:main"}, "users type `tclint`"


def test_the_readme_never_tells_users_to_install_the_tcl_linter():
    installs = re.findall(r"pip install (?:-\S+ )*(\S+)", readme())
    assert installs and all(not re.fullmatch(r"['\"]?tclint(\[\w+\])?['\"]?", name) for name in installs), installs
    assert f"**`{DISTRIBUTION}`**" in readme()


def test_the_readme_speaks_to_users_not_to_this_repository_s_ci():
    assert "../shared" not in readme() and "shared/containers" not in readme()
    assert "(see `.ci/README.md`" in readme() and (ROOT / ".ci/README.md").is_file()


def pre_commit_snippet() -> dict:
    import yaml  # pre-commit's dependency, in the test extra

    return yaml.safe_load(block_after("<!-- pre-commit-config -->"))


def test_the_pre_commit_snippet_names_this_repository_this_release_and_every_hook():
    [repo] = pre_commit_snippet()["repos"]
    assert repo["repo"] == REPOSITORY
    assert repo["rev"] == f"v{__version__}"
    hooks = re.findall(r"^- id: (\S+)$", (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(hook["id"] for hook in repo["hooks"]) == sorted(hooks)


def release_tags() -> list[str]:
    listed = subprocess.run(["git", "tag", "--list", "v*"], cwd=ROOT, capture_output=True, text=True, check=True)
    return sorted(listed.stdout.split(), key=lambda tag: tuple(int(part) for part in re.findall(r"\d+", tag)))


def test_the_pre_commit_snippet_rev_is_the_latest_release_tag():
    tags = release_tags()
    if not tags:
        pytest.skip("this clone carries no release tags (CI clones main without them); the test above checks "
                    "the rev against the version")  # fmt: skip
    assert pre_commit_snippet()["repos"][0]["rev"] == tags[-1]


def test_the_release_tag_of_this_version_is_a_commit_with_this_version():
    tag = f"v{__version__}"
    if tag not in release_tags():
        pytest.skip(f"this clone carries no tag {tag}")
    shown = subprocess.run(["git", "show", f"{tag}:src/tclint/__init__.py"], cwd=ROOT, capture_output=True, text=True,
                           check=True)  # fmt: skip
    assert f'__version__ = "{__version__}"' in shown.stdout


def test_version_names_the_distribution(capsys):
    from tclint.cli import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"tclint ({DISTRIBUTION}) {__version__}\n"


def test_sarif_points_at_this_project_not_the_tcl_linter():
    from tclint import output

    [run] = json.loads(output.sarif([]))["runs"]
    assert run["tool"]["driver"]["informationUri"] == REPOSITORY
    assert run["tool"]["driver"]["version"] == __version__


CLEAN_CONFTEST = """import pytest
from testcontainers.community.redis import RedisContainer


@pytest.fixture(scope="session")
def redis_container():
    with RedisContainer("redis:7.2.4-alpine") as redis:
        yield redis
"""
SLEEPING_TEST = """import time


def test_ping(redis_container):
    time.sleep(1)
    assert redis_container.get_client().ping()
"""
EXCLUDED_LEGACY = """import pytest
from testcontainers.redis import RedisContainer


@pytest.fixture
def redis_container():
    with RedisContainer() as redis:
        yield redis
"""


@pytest.mark.slow
def test_the_readme_pre_commit_snippet_through_three_commits_with_edits_between(tmp_path):
    """The snippet as a user pastes it, `repo:` pointed at a clone of this checkout tagged with the snippet's
    rev (CI's clone of main carries no tags, so the test makes its own), installed with the real
    pre-commit, then three commits with edits between them: the second run onward reads the cache."""
    import shutil

    import yaml
    from test_packaging import snapshot_of_this_checkout

    config = pre_commit_snippet()
    hooks_repo = snapshot_of_this_checkout(tmp_path / "tclint")
    subprocess.run(["git", "tag", config["repos"][0]["rev"]], cwd=hooks_repo, check=True)
    config["repos"][0]["repo"] = str(hooks_repo)

    repo = tmp_path / "user-repo"
    (repo / "tests/legacy").mkdir(parents=True)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    (repo / "pyproject.toml").write_text('[project]\nname = "user-repo"\ndependencies = ["testcontainers==4.15.0"]\n\n'
                                         '[tool.tclint]\nextend-exclude = ["tests/legacy/"]\n')  # the import fix needs 4.15
    (repo / "tests/conftest.py").write_text(CLEAN_CONFTEST)
    (repo / "tests/legacy/test_old.py").write_text(EXCLUDED_LEGACY)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or "pre-commit"

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    git("init", "-q")
    installed = subprocess.run([pre_commit, "install"], cwd=repo, env=env, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    git("add", ".")
    first = git("commit", "-qm", "first")
    assert first.returncode == 0, f"--force-exclude skips the excluded file pre-commit names\n{first.stdout}{first.stderr}"

    # second commit: a safe fix the fixer hook applies, and a finding (an unsafe fix) that stays
    edited = "# shared fixtures\n" + CLEAN_CONFTEST
    (repo / "tests/conftest.py").write_text(edited.replace("testcontainers.community.redis", "testcontainers.redis"))
    (repo / "tests/test_cache.py").write_text(SLEEPING_TEST)
    git("add", ".")
    second = git("commit", "-qm", "second")
    hook_output = second.stdout + second.stderr  # git shows the hook's output on stderr
    assert second.returncode == 1, hook_output
    assert "files were modified by this hook" in hook_output, hook_output
    assert (repo / "tests/conftest.py").read_text() == edited, "the safe fix restored the import"
    assert "tests/test_cache.py:5:5: TCL301 [sleep-in-test]" in hook_output

    # the user edits another file and tries again: the finding is still reported (from the cache)
    (repo / "tests/conftest.py").write_text(edited + "\n\n# a comment\n")
    git("add", ".")
    retried = git("commit", "-qm", "second")
    hook_output = retried.stdout + retried.stderr
    assert retried.returncode == 1 and "internal error" not in hook_output, hook_output
    assert "tests/test_cache.py:5:5: TCL301 [sleep-in-test]" in hook_output

    (repo / "tests/test_cache.py").write_text(SLEEPING_TEST.replace("    time.sleep(1)\n", ""))
    git("add", ".")
    fixed_by_hand = git("commit", "-qm", "second")
    assert fixed_by_hand.returncode == 0, fixed_by_hand.stdout + fixed_by_hand.stderr

    (repo / "tests/test_more.py").write_text("def test_two(redis_container):\n    assert redis_container\n")
    git("add", ".")
    third = git("commit", "-qm", "third")
    assert third.returncode == 0, third.stdout + third.stderr
    assert git("log", "--format=%s").stdout.split() == ["third", "second", "first"]
