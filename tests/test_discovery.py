"""Which files a run lints."""

from __future__ import annotations

import pytest
from helpers import write

from tclint.discovery import discover
from tclint.settings import load_settings


def found(project, *paths: str, force_exclude: bool = False) -> list[str]:
    files, errors = discover(list(paths) or ["."], load_settings(None, project), force_exclude)
    assert errors == []
    return sorted(path.as_posix() for path in files)


def test_default_excludes_and_non_python_files(project):
    write(project, {name: "x = 1\n" for name in [
        "tests/test_a.py", "tests/data.txt", ".venv/lib/x.py", "venv/x.py", "build/x.py", "dist/x.py",
        "node_modules/x.py", "sub/__pycache__/x.py", ".tox/x.py", ".nox/x.py", ".git/x.py", "src/pkg/mod.py",
    ]})  # fmt: skip
    assert found(project) == ["src/pkg/mod.py", "tests/test_a.py"]


def test_gitignore_is_respected_at_every_level(project):
    (project / ".git").mkdir()
    write(project, {
        ".gitignore": "generated/\n*_pb2.py\n",
        "tests/.gitignore": "scratch_*.py\n!scratch_keep.py\n",
        "generated/x.py": "", "tests/api_pb2.py": "", "tests/scratch_1.py": "", "tests/scratch_keep.py": "",
        "tests/test_a.py": "",
    })  # fmt: skip
    assert found(project) == ["tests/scratch_keep.py", "tests/test_a.py"]
    assert found(project, "tests") == ["tests/scratch_keep.py", "tests/test_a.py"], "parent .gitignore applies"


def test_exclude_and_extend_exclude(project):
    write(project, {
        "pyproject.toml": '[tool.tclint]\nextend-exclude = ["tests/legacy/", "*_generated.py"]\n',
        "tests/legacy/test_old.py": "", "tests/test_new.py": "", "tests/x_generated.py": "", "build/keep_excluded.py": "",
    })  # fmt: skip
    assert found(project) == ["tests/test_new.py"]
    write(project, {"pyproject.toml": '[tool.tclint]\nexclude = ["tests/legacy/"]\n'})
    assert found(project) == ["build/keep_excluded.py", "tests/test_new.py", "tests/x_generated.py"]


def test_files_named_explicitly_are_always_linted(project):
    write(project, {"build/x.py": "", "pyproject.toml": '[tool.tclint]\nextend-exclude = ["tests/"]\n', "tests/t.py": ""})
    assert found(project, "build/x.py", "tests/t.py") == ["build/x.py", "tests/t.py"]


def test_missing_path_is_an_error(project):
    files, errors = discover(["nope.py"], load_settings(None, project))
    assert files == [] and [(e.path, e.message) for e in errors] == [("nope.py", "no such file or directory")]


def test_a_file_is_linted_once_however_often_it_is_named(project):
    write(project, {"tests/test_a.py": ""})
    assert found(project, "tests", "tests/test_a.py", "./tests/test_a.py") == ["tests/test_a.py"]


def test_virtual_environments_are_skipped_whatever_their_name(project):
    write(project, {
        "env/pyvenv.cfg": "home = /usr/bin\n", "env/lib/python3.12/site-packages/testcontainers/core/x.py": "",
        "tools/py312/pyvenv.cfg": "", "tools/py312/bin/helper.py": "",
        "vendor/lib/site-packages/pkg/mod.py": "",
        "tests/test_a.py": "", "tests/pyvenv_cfg_is_not_a_venv.py": "", "environment/pyvenv.cfg/not_a_file.py": "",
    })  # fmt: skip
    assert found(project) == ["environment/pyvenv.cfg/not_a_file.py", "tests/pyvenv_cfg_is_not_a_venv.py", "tests/test_a.py"]
    assert found(project, "tools/py312") == ["tools/py312/bin/helper.py"], "a folder named is walked"
    site = "env/lib/python3.12/site-packages"
    assert found(project, site) == [f"{site}/testcontainers/core/x.py"], "a folder named is walked"


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        pytest.param("tests/legacy/test_old.py", [], id="under-an-excluded-folder"),
        pytest.param("tests/x_generated.py", [], id="matching-a-file-pattern"),
        pytest.param("build/x.py", [], id="under-a-default-exclude"),
        pytest.param("env/lib/x.py", [], id="inside-a-virtual-environment"),
        pytest.param("tests/test_new.py", ["tests/test_new.py"], id="not-excluded"),
    ],
)
def test_force_exclude_applies_the_excludes_to_named_files(project, named, expected):
    write(project, {
        "pyproject.toml": '[tool.tclint]\nextend-exclude = ["tests/legacy/", "*_generated.py"]\n',
        "tests/legacy/test_old.py": "", "tests/test_new.py": "", "tests/x_generated.py": "", "build/x.py": "",
        "env/pyvenv.cfg": "", "env/lib/x.py": "",
    })  # fmt: skip
    assert found(project, named, force_exclude=True) == expected
    assert found(project, named) == [named], "without --force-exclude a named file is linted"


def test_force_exclude_from_another_folder(project):
    write(project, {"pyproject.toml": '[tool.tclint]\nextend-exclude = ["tests/legacy/"]\n',
                    "tests/legacy/test_old.py": "", "tests/test_new.py": ""})  # fmt: skip
    settings = load_settings(None, project)
    files, _ = discover([str(project / "tests/legacy/test_old.py"), "../project/tests/test_new.py"], settings, True)
    assert [path.as_posix() for path in files] == ["../project/tests/test_new.py"]
