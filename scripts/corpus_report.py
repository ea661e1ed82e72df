"""Run every fixtures_corpus project against real containers, before and after `tclint --fix
--unsafe-fixes`, and write fixtures_corpus/RESULTS.md (needs Docker and the service images).

    python scripts/corpus_report.py
"""

from __future__ import annotations

import json
import re
import subprocess
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
TESTCONTAINERS_3 = {"orders_tc3": ("testcontainers[postgres]==3.7.1", "pytest", "sqlalchemy", "psycopg2-binary")}
# suites an unsafe fix breaks on purpose: `tclint verify` must reject exactly that fix
BROKEN_BY_AN_UNSAFE_FIX = {"fresh_data_suite"}


def projects() -> list[str]:
    """Every fixtures_corpus project (a folder), with or without an expected tree."""
    return sorted(path.name for path in harness.CORPUS.iterdir() if path.is_dir() and not path.name.startswith("."))


def python_with(packages: tuple[str, ...], scratch: Path) -> str:
    """An interpreter of a venv of its own with `packages` (testcontainers 3.x, for orders_tc3)."""
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", *packages], check=True, timeout=900)
    return python


def verified(name: str, scratch: Path, client) -> tuple[str, harness.SuiteRun]:
    """What `tclint verify` kept and rejected, and the suite with what it kept."""
    project = harness.copy_project(name, scratch / "verified")
    process = harness.tclint(project, "verify", "--output-format", "json", ".")
    fixes = json.loads(process.stdout)["fixes"]
    statuses = "<br>".join(f"{fix['name']}: {fix['status']}" for fix in fixes)
    return statuses, harness.run_suite(project, client)


def counts(containers: Counter) -> str:
    return ", ".join(f"{image} × {number}" for image, number in sorted(containers.items())) or "none"


def main() -> int:
    client = docker.from_env()
    rows, teeth_rows, verify_rows = [], [], []
    for name in projects():
        with tempfile.TemporaryDirectory() as scratch:
            python = python_with(TESTCONTAINERS_3[name], Path(scratch)) if name in TESTCONTAINERS_3 else sys.executable
            suite = {"python": python, "testcontainers_3": name in TESTCONTAINERS_3}
            original = harness.copy_project(name, Path(scratch) / "original")
            check = harness.tclint(original, "check", "--no-cache", "-q", "--output-format", "concise", ".")
            by_rule = Counter(re.search(r"\[([a-z-]+)\]", line).group(1) for line in check.stdout.splitlines())
            before = harness.run_suite(original, client, **suite)
            fixed = harness.copy_project(name, Path(scratch) / "fixed")
            fix = harness.tclint(fixed, "check", "--no-cache", "--fix", "--unsafe-fixes", ".")
            after = harness.run_suite(fixed, client, **suite)
            if name in BROKEN_BY_AN_UNSAFE_FIX:
                verify_rows.append((name, *verified(name, Path(scratch), client)))
            remaining = fix.stdout.strip().splitlines()[-1]
            rows.append((name, by_rule, remaining, before, after))
            print(f"{name}: {before.wall_seconds:.1f} s -> {after.wall_seconds:.1f} s", file=sys.stderr)
            for label, run in (("before", before), ("after", after)):
                if not run.passed:
                    print(f"{name} {label} failed:\n{run.output[-4000:]}", file=sys.stderr)
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
        "`create` events for testcontainers-labelled containers during each run (for orders_tc3, which pins",
        "testcontainers 3.7.1 and labels nothing, every container created meanwhile, its suite run in a venv with 3.7.1).",
        f"{', '.join(sorted(BROKEN_BY_AN_UNSAFE_FIX))} is the suite an unsafe fix breaks on purpose: see `tclint verify` below.",
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
    lines += [
        "",
        "## `tclint verify` keeps exactly the fixes that hold",
        "",
        "| project | fixes | suite after verify | containers after verify |",
        "|---|---|---|---|",
    ]
    for name, statuses, run in verify_rows:
        lines.append(f"| {name} | {statuses} | {'passed' if run.passed else 'FAILED'} | {counts(run.containers)} |")
    (harness.CORPUS / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    held = all(before.passed and (after.passed or name in BROKEN_BY_AN_UNSAFE_FIX) for name, *_, before, after in rows)
    return 0 if held and all(run.passed for *_, run in verify_rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
