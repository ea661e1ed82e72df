"""Build the benchmark corpora from sdists fetched from PyPI into bench/corpus/ (git-ignored).

    python bench/corpus.py

typical/   the test files (test_*.py, *_test.py, conftest.py, and files under test folders) of the
           sdists of aiohttp, attrs, distributed, httpx, pandas, pydantic, pytest, requests,
           sqlalchemy and testcontainers: real test suites, most of which never touch a container.
heavy/     files every rule has to parse: the typical files of every package but pandas, each with a
           testcontainers import put in front (real code, and no file can be skipped), plus the
           fixtures_corpus suites and the rule doc examples, which use containers for real.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import urllib.request
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
PACKAGES = {
    "aiohttp": "3.14.5", "attrs": "26.1.0", "distributed": "2026.8.0", "httpx": "0.28.1", "pandas": "3.1.1",
    "pydantic": "2.14.4", "pytest": "9.2.0", "requests": "2.34.2", "sqlalchemy": "2.1.9",
    "testcontainers": "4.15.0",
}  # fmt: skip
TEST_DIRS = {"test", "tests", "testing"}


def is_test_file(parts: tuple[str, ...]) -> bool:
    name = parts[-1]
    if not name.endswith(".py"):
        return False
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py" or bool(TEST_DIRS & set(parts[:-1]))


def fetch(package: str, version: str, into: Path) -> Path:
    """The sdist, found through PyPI's simple index (JSON form): `pip download --no-binary :all:` would
    also build its metadata, which for pandas means a meson build."""
    into.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(f"https://pypi.org/simple/{package}/",
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    wanted = re.compile(rf"{re.escape(package)}-{re.escape(version)}\.(tar\.gz|zip)", re.IGNORECASE)
    [sdist] = [item for item in files if wanted.fullmatch(item["filename"].replace("_", "-"))]
    target = into / sdist["filename"]
    if not target.exists():
        with urllib.request.urlopen(sdist["url"], timeout=300) as response:
            data = response.read()
        if hashlib.sha256(data).hexdigest() != sdist["hashes"]["sha256"]:
            raise SystemExit(f"{sdist['filename']}: checksum mismatch")
        target.write_bytes(data)
    return target


def members(archive: Path):
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as handle:
            for info in handle.infolist():
                if not info.is_dir():
                    yield info.filename, handle.read(info)
        return
    with tarfile.open(archive) as handle:
        for info in handle.getmembers():
            if info.isfile():
                stream = handle.extractfile(info)
                if stream is not None:
                    yield info.name, stream.read()


FORCED_IMPORT = b"from testcontainers.redis import RedisContainer  # bench: no file is skipped\n"
HEAVY_SKIPS = {"pandas"}  # 1,100 files of mostly data-frame code: typical/ covers them


def extract(package: str, archive: Path, typical: Path, heavy: Path) -> tuple[int, int]:
    counts = [0, 0]
    for name, data in members(archive):
        parts = tuple(Path(name).parts[1:])  # drop the sdist's top folder
        if not parts or not is_test_file(parts):
            continue
        _write(typical / package / Path(*parts), data)
        counts[0] += 1
        if package not in HEAVY_SKIPS:
            _write(heavy / package / Path(*parts), data if b"testcontainers" in data else _forced(data))
            counts[1] += 1
    return counts[0], counts[1]


def _forced(data: bytes) -> bytes:
    """The import goes after a leading coding cookie or shebang, which must stay on the first lines."""
    lines = data.splitlines(keepends=True)
    keep = 0
    while keep < min(2, len(lines)) and lines[keep].startswith(b"#") and (b"coding" in lines[keep] or lines[keep].startswith(b"#!")):
        keep += 1
    return b"".join(lines[:keep]) + FORCED_IMPORT + b"".join(lines[keep:])


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main() -> int:
    typical, heavy = CORPUS / "typical", CORPUS / "heavy"
    for folder in (typical, heavy):
        shutil.rmtree(folder, ignore_errors=True)
    for package, version in PACKAGES.items():
        archive = fetch(package, version, CORPUS / "sdists")
        in_typical, in_heavy = extract(package, archive, typical, heavy)
        print(f"{package} {version}: {in_typical} test files ({in_heavy} in heavy/)")
    root = HERE.parent
    for source in (root / "fixtures_corpus").rglob("*.py"):
        if b"testcontainers" in source.read_bytes():
            target = heavy / "fixtures_corpus" / source.relative_to(root / "fixtures_corpus")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    sys.path.insert(0, str(root / "tests"))
    from rule_docs import all_cases

    for case in all_cases():
        if "testcontainers" in case.source:
            target = heavy / "rule_docs" / case.rule / f"{case.section}-{case.id}" / case.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(case.source, encoding="utf-8")
    # its own work tree: the project's .gitignore (which ignores bench/corpus/) must not hide the files
    subprocess.run(["git", "init", "-q", str(CORPUS)], check=True)
    for folder in (typical, heavy):
        files = list(folder.rglob("*.py"))
        size = sum(f.stat().st_size for f in files)
        print(f"{folder.relative_to(HERE)}: {len(files)} files, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
