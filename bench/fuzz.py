"""Fuzz tclint's fixes with real code: every .py file of the installed site-packages (the virtual
environment's and the base interpreter's) and of the fetched sdists, in a scratch copy, through `tclint check --fix --unsafe-fixes`. Zero crashes and zero
unparseable outputs is the bar.

    python bench/fuzz.py [--limit N] [--keep DIR]

So that every rule parses every file and fixes land in every file, each copy gets a block appended (at
the end, where no `from __future__` import can object): imports that carry every rule's hints, and a
fixture and a test with anti-patterns to fix. Copies are named test_*.py under tests/.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import site
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
# appended to every file: imports that put every rule's hints in it, and anti-patterns whose fixes
# then have to work inside that module (its indentation, encoding, newlines, names)
FORCED = b"""

import time as _fuzz_time  # added by bench/fuzz.py
import pytest as _fuzz_pytest
from unittest.mock import patch as _fuzz_patch
from testcontainers.redis import RedisContainer as _FuzzRedis


@_fuzz_pytest.fixture
def _fuzz_redis_container():
    _fuzz = _FuzzRedis("redis:latest")
    _fuzz.start()
    return _fuzz


def test__fuzz_waits(_fuzz_redis_container):
    _fuzz_time.sleep(1)
    assert _fuzz_redis_container.get_container_host_ip() != "localhost"
"""


def sources() -> list[tuple[str, bytes]]:
    found: dict[str, bytes] = {}
    base = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})["purelib"]
    folders = {sysconfig.get_paths()["purelib"], *site.getsitepackages(), base}  # the venv's and the interpreter's
    for folder in sorted(folders):
        for path in sorted(Path(folder).rglob("*.py")):
            try:
                found[f"site/{path.relative_to(folder)}"] = path.read_bytes()
            except OSError:
                pass
    for archive in sorted((HERE / "corpus" / "sdists").glob("*.tar.gz")):
        with tarfile.open(archive) as handle:
            for member in handle.getmembers():
                if member.isfile() and member.name.endswith(".py"):
                    stream = handle.extractfile(member)
                    if stream is not None:
                        found[f"sdist/{member.name}"] = stream.read()
    return sorted(found.items())


def compiles(source: bytes) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(source)
        except (SyntaxError, ValueError):
            return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, help="only the first N files")
    parser.add_argument("--keep", type=Path, help="keep the scratch copy here")
    parser.add_argument("--recheck", type=Path, help="only check the outputs a kept scratch copy holds")
    args = parser.parse_args()
    files = sources()[: args.limit]
    scratch = Path(args.recheck or args.keep or tempfile.mkdtemp(prefix="tclint-fuzz-"))
    originals: dict[Path, bytes] = {}
    for index, (name, data) in enumerate(files):
        target = scratch / "tests" / f"pkg{index // 500}" / f"test_{index}_{Path(name).stem}.py"
        originals[target] = data + FORCED
        if not args.recheck:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(originals[target])
    print(f"{len(files)} files copied to {scratch}", file=sys.stderr)
    started = time.perf_counter()
    if args.recheck:
        process = subprocess.CompletedProcess([], -1, (scratch / "tclint.stdout").read_text(), (scratch / "tclint.stderr").read_text())
    else:
        process = subprocess.run([sys.executable, "-m", "tclint", "check", "--fix", "--unsafe-fixes", "--no-cache", "-q",
                                  "--output-format", "concise", "."], cwd=scratch, capture_output=True, text=True)  # fmt: skip
        (scratch / "tclint.stdout").write_text(process.stdout)
        (scratch / "tclint.stderr").write_text(process.stderr)
    wall = time.perf_counter() - started
    crashes = [line for line in process.stderr.splitlines() if "internal error" in line or "Traceback" in line]
    unparseable, changed = [], 0
    for path, before in originals.items():
        after = path.read_bytes()
        if after == before:
            continue
        changed += 1
        if compiles(before) and not compiles(after):  # tclint itself re-parses every fix with libcst
            unparseable.append(str(path.relative_to(scratch)))
    not_parsed = [line for line in process.stderr.splitlines() if "error:" in line and line not in crashes]
    print(f"tclint exit {process.returncode} in {wall:.1f} s over {len(files)} files")
    print(f"{changed} files changed by fixes, {len(process.stdout.splitlines())} diagnostics left")
    print(f"{len(not_parsed)} files tclint reported as unreadable or unparseable (libcst cannot parse them either)")
    print(f"crashes: {len(crashes)}")
    for line in crashes[:20]:
        print(f"  {line}")
    print(f"outputs that stopped parsing: {len(unparseable)}")
    for name in unparseable[:20]:
        print(f"  {name}")
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if crashes or unparseable else 0


if __name__ == "__main__":
    raise SystemExit(main())
