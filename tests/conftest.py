import pytest


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty scratch project, made the current directory (paths in output are relative to it)."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def parsed(monkeypatch):
    """The paths a run had to parse (every file that went past the prefilter and the cache)."""
    from tclint import worker

    paths: list[str] = []
    real = worker.run

    def recording(task):
        paths.append(task.path)
        return real(task)

    monkeypatch.setattr(worker, "run", recording)
    return paths


def pytest_addoption(parser):
    parser.addoption("--snapshot-update", action="store_true",
                     help="rewrite tests/snapshots/*.snap from the rules' current output (also TCLINT_SNAPSHOT_UPDATE=1)")  # fmt: skip


@pytest.fixture
def snapshot_update(request) -> bool:
    import os

    return request.config.getoption("--snapshot-update") or os.environ.get("TCLINT_SNAPSHOT_UPDATE") == "1"
