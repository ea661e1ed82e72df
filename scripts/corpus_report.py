"""Run every fixtures_corpus project against real containers, before and after `tclint --fix
--unsafe-fixes`, and write fixtures_corpus/RESULTS.md (needs Docker and the service images).

    python scripts/corpus_report.py
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "e2e"), str(ROOT / "tests")]

import docker  # noqa: E402
import harness  # noqa: E402

TEETH = {"redis_locks": "test_starts_with_an_empty_database", "postgres_repository": "test_starts_empty"}


def counts(containers: Counter) -> str:
    return ", ".join(f"{image} × {number}" for image, number in sorted(containers.items())) or "none"


def main() -> int:
    client = docker.from_env()
    rows, teeth_rows = [], []
    for name in harness.projects():
        with tempfile.TemporaryDirectory() as scratch:
            original = harness.copy_project(name, Path(scratch) / "original")
            check = harness.tclint(original, "check", "--no-cache", "-q", "--output-format", "concise", ".")
            by_rule = Counter(re.search(r"\[([a-z-]+)\]", line).group(1) for line in check.stdout.splitlines())
            before = harness.run_suite(original, client)
            fixed = harness.copy_project(name, Path(scratch) / "fixed")
            fix = harness.tclint(fixed, "check", "--no-cache", "--fix", "--unsafe-fixes", ".")
            after = harness.run_suite(fixed, client)
            remaining = fix.stdout.strip().splitlines()[-1]
            rows.append((name, by_rule, remaining, before, after))
            print(f"{name}: {before.wall_seconds:.1f} s -> {after.wall_seconds:.1f} s", file=sys.stderr)
            if name in TEETH:
                broken = harness.copy_project(name, Path(scratch) / "incomplete")
                harness.tclint(broken, "check", "--no-cache", "--fix", "--unsafe-fixes", "--select",
                               "function-scoped-container-fixture", ".")  # fmt: skip
                run = harness.run_suite(broken, client)
                failed = re.findall(r"FAILED (\S+)", run.output)
                teeth_rows.append((name, run, failed))
    lines = [
        "# fixtures_corpus results",
        "",
        f"Written by `python scripts/corpus_report.py` on {time.strftime('%Y-%m-%d')} from a real run: each suite ran",
        "under pytest against real containers (the offline stand-in images of `../shared/containers`), once as",
        "written and once after `tclint --fix --unsafe-fixes`. Containers are counted from the Docker engine's",
        "`create` events for testcontainers-labelled containers during each run.",
        "",
        "| project | diagnostics by rule | after the fix | suite before | suite after | containers before | containers after | wall before | wall after | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, by_rule, remaining, before, after in rows:
        rules = "<br>".join(f"{rule} × {number}" for rule, number in sorted(by_rule.items())) or "none"
        lines.append(
            f"| {name} | {rules} | {remaining} | {'passed' if before.passed else 'FAILED'} | "
            f"{'passed' if after.passed else 'FAILED'} | {counts(before.containers)} | {counts(after.containers)} | "
            f"{before.wall_seconds:.1f} s | {after.wall_seconds:.1f} s | {after.wall_seconds / before.wall_seconds:.2f} |"
        )
    lines += [
        "",
        "## Teeth: an incomplete fix is caught",
        "",
        "The same suites with only `function-scoped-container-fixture` fixed (the container shared, no cleanup added):",
        "",
        "| project | suite | tests that failed on leaked state |",
        "|---|---|---|",
    ]
    for name, run, failed in teeth_rows:
        lines.append(f"| {name} | {'passed (the proof has no teeth!)' if run.passed else 'FAILED'} | {'<br>'.join(failed)} |")
    (harness.CORPUS / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0 if all(before.passed and after.passed for *_, before, after in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
