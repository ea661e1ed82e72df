"""The floor tclint is measured against: a bare `libcst.parse_module` of every .py file, nothing else.

    python bench/parse_floor.py [--jobs N] DIR
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def parse(path: str) -> int:
    import libcst

    try:
        libcst.parse_module(Path(path).read_bytes())
    except Exception:  # a file libcst cannot parse still costs its attempt
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("root")
    args = parser.parse_args()
    files = sorted(str(path) for path in Path(args.root).rglob("*.py"))
    if args.jobs == 1:
        failures = sum(map(parse, files))
    else:
        import libcst  # noqa: F401  (imported once, inherited by the forked workers)

        with ProcessPoolExecutor(args.jobs) as pool:
            failures = sum(pool.map(parse, files, chunksize=8))
    print(f"{len(files)} files, {failures} unparseable", file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
