"""The distribution name, the repository address, the version and the release tag agree everywhere a user
reads them: pyproject, the README's snippets, `--version`, SARIF output."""

from __future__ import annotations

import json
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
