"""The cache: an unchanged rerun parsed nothing; any change that matters invalidates the entry."""

from __future__ import annotations

from helpers import write

from tclint.runner import RunOptions, run
from tclint.settings import load_settings

BAD = (
    "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n"
    "@pytest.fixture\ndef redis_container():\n    with RedisContainer('redis:7-alpine') as redis:\n        yield redis\n"
)


def lint(project, **options):
    return run(["."], load_settings(None, project), RunOptions(**options))


def test_unchanged_rerun_parses_nothing_and_reports_the_same(project, parsed):
    write(project, {"tests/conftest.py": BAD, "tests/test_a.py": "from testcontainers.community.redis import RedisContainer\n"})
    first = lint(project)
    assert sorted(parsed) == ["tests/conftest.py", "tests/test_a.py"]
    parsed.clear()
    second = lint(project)
    assert parsed == []
    assert second.diagnostics == first.diagnostics and len(first.diagnostics) == 1
    assert (project / ".tclint_cache/.gitignore").read_text().endswith("*\n")


def test_warm_run_does_not_read_unchanged_files(project, monkeypatch):
    write(project, {"tests/conftest.py": BAD})
    lint(project)
    import tclint.runner

    def no_reads(path):
        raise AssertionError(f"read {path}")

    monkeypatch.setattr(tclint.runner, "read_source", no_reads)
    assert len(lint(project).diagnostics) == 1


def test_edited_file_is_linted_again(project, parsed):
    write(project, {"tests/conftest.py": BAD})
    lint(project)
    parsed.clear()
    edited = BAD.replace("@pytest.fixture\n", '@pytest.fixture(scope="session")\n')
    (project / "tests/conftest.py").write_text(edited)
    assert lint(project).diagnostics == []
    assert parsed == ["tests/conftest.py"]


def test_settings_change_invalidates(project, parsed):
    # in a test module: a module scope in a conftest.py is reported whatever min-scope says
    write(project, {"tests/test_redis.py": BAD.replace("@pytest.fixture\n", '@pytest.fixture(scope="module")\n')})
    assert lint(project).diagnostics == []
    write(project, {"pyproject.toml": "[tool.tclint.rules.function-scoped-container-fixture]\nmin-scope = 'session'\n"})
    assert len(lint(project).diagnostics) == 1


def test_conftest_change_invalidates_the_modules_below(project, parsed):
    test_module = (
        "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n"
        "@pytest.fixture\ndef redis_container(settings):\n    with RedisContainer('redis:7-alpine') as redis:\n        yield redis\n"
    )
    write(project, {"tests/conftest.py": "import pytest\n\n\n@pytest.fixture(scope='session')\ndef settings():\n    return {}\n",
                    "tests/test_a.py": test_module})  # fmt: skip
    [diagnostic] = lint(project).diagnostics
    assert diagnostic.fix is not None
    write(project, {"tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef settings():\n    return {}\n"})
    [diagnostic] = lint(project).diagnostics
    assert diagnostic.fix is None and "`settings`, a `function`-scoped fixture from conftest.py" in diagnostic.message


def test_no_cache_neither_reads_nor_writes(project, parsed):
    write(project, {"tests/conftest.py": BAD})
    lint(project, cache=False)
    assert not (project / ".tclint_cache").exists()
    lint(project)
    parsed.clear()
    lint(project, cache=False)
    assert parsed == ["tests/conftest.py"]


def test_fix_run_uses_the_cache_only_where_nothing_is_fixable(project, parsed):
    write(project, {"tests/conftest.py": BAD, "other/test_clean.py": "import testcontainers\n"})
    lint(project)
    parsed.clear()
    lint(project, fix=True, unsafe=True)
    assert parsed == ["tests/conftest.py"]
    parsed.clear()
    assert lint(project).diagnostics == [] and parsed == [], "the fixed file was cached as written"


def test_corrupt_cache_is_ignored(project):
    write(project, {"tests/conftest.py": BAD})
    lint(project)
    [cache_file] = [p for p in (project / ".tclint_cache").iterdir() if p.suffix == ".json"]
    cache_file.write_text("{not json")
    assert len(lint(project).diagnostics) == 1


def test_unwritable_cache_folder_does_not_stop_the_run(project, monkeypatch):
    from pathlib import Path

    write(project, {"tests/conftest.py": BAD})

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    assert len(lint(project).diagnostics) == 1
    assert not (project / ".tclint_cache").exists()
