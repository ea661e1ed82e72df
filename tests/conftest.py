import pytest


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty scratch project, made the current directory (paths in output are relative to it)."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


def write(root, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
