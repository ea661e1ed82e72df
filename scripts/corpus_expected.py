"""Regenerate fixtures_corpus/<project>/expected/ from what tclint does now (review the diff!).

    python scripts/corpus_expected.py [PROJECT...]

expected/diagnostics.txt is `tclint check -q --output-format concise .` in a fresh copy, expected/tests/
the copy's tests/ after `tclint --fix --unsafe-fixes .`. No container is started.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "e2e"), str(ROOT / "tests")]

import harness  # noqa: E402


def main(names: list[str]) -> int:
    for name in names or [p.name for p in sorted(harness.CORPUS.iterdir()) if p.is_dir()]:
        expected = harness.CORPUS / name / "expected"
        with tempfile.TemporaryDirectory() as scratch:
            project = harness.copy_project(name, Path(scratch))
            check = harness.tclint(project, "check", "--no-cache", "-q", "--output-format", "concise", ".")
            harness.tclint(project, "check", "--no-cache", "--fix", "--unsafe-fixes", ".")
            shutil.rmtree(expected, ignore_errors=True)
            expected.mkdir()
            (expected / "diagnostics.txt").write_text(check.stdout, encoding="utf-8")
            for relative, content in harness.tree(project).items():
                (expected / relative).parent.mkdir(parents=True, exist_ok=True)
                (expected / relative).write_bytes(content)
        print(f"{name}: {len(check.stdout.splitlines())} diagnostics")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
