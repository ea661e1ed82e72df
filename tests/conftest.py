import pytest


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty scratch project, made the current directory (paths in output are relative to it)."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root
