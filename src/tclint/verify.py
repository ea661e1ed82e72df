"""`tclint verify`: keep a fix only where the project's own tests still pass against real containers.

This runs the project's tests, which is running its code: only use it on code you trust. It works on a
scratch copy of the project and touches the user's files only at the end, with the fixes that held.

1. Lint the scratch copy; every fixable diagnostic (unsafe ones included) is a candidate.
2. Run the tests the fixes can affect (the modules fixed, and the folders of fixed conftest.py files)
   on the untouched copy: tests that fail there are left out of the comparison.
3. Apply every fix and run them again. When a test that passed now fails, narrow down: each file's
   fixes on their own, then each rule's fixes of a failing file on their own.
4. Apply the fixes that held together, confirm with one more run, then write the files that changed to
   the project atomically (unless --dry-run).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tclint.diagnostics import Diagnostic
from tclint.files import FileError, digest, write_atomically
from tclint.runner import RunOptions, run
from tclint.settings import DEFAULT_EXCLUDE, Settings, with_cli_overrides

COPY_IGNORED = (*DEFAULT_EXCLUDE, ".tclint_cache", "*.pyc")
CONTAINER_ENV_DEFAULTS = {"TESTCONTAINERS_RYUK_DISABLED": "true"}


class VerifyTimeout(Exception):
    pass


@dataclass
class TestRun:
    wall_seconds: float
    outcomes: dict[str, bool]  # test id -> passed
    containers: Counter | None  # image -> containers created; None when Docker cannot be asked
    output: str = ""

    @property
    def passed(self) -> set[str]:
        return {test for test, ok in self.outcomes.items() if ok}


@dataclass
class FixOutcome:
    diagnostic: Diagnostic
    kept: bool
    failing_tests: list[str] = field(default_factory=list)


@dataclass
class VerifyReport:
    fixes: list[FixOutcome]
    before: TestRun | None
    after: TestRun | None
    written: list[str]
    remaining: list[Diagnostic]
    dry_run: bool
    error: str | None = None


@dataclass(frozen=True)
class VerifyOptions:
    python: str = sys.executable
    reruns: int = 0
    timeout: float = 15 * 60
    dry_run: bool = False


class Verifier:
    def __init__(self, paths: list[str], settings: Settings, options: VerifyOptions) -> None:
        self.root = settings.project_root.resolve()
        self.paths = [str(Path(path).resolve().relative_to(self.root)) if Path(path).resolve().is_relative_to(self.root) else path
                      for path in paths]  # fmt: skip
        self.settings = settings
        self.options = options
        self.deadline = time.monotonic() + options.timeout
        self.scratch = Path(tempfile.mkdtemp(prefix="tclint-verify-"))
        self.docker = _docker_client()

    # -- the steps ------------------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        try:
            return self._verify()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def _verify(self) -> VerifyReport:
        baseline = self.copy_of(self.root, "baseline")
        found = self.lint(baseline)
        candidates = [d for d in found if d.fix is not None]
        if not candidates:
            return VerifyReport([], None, None, [], found, self.options.dry_run)
        groups = _by_file_and_rule(candidates)
        targets = self.test_targets(groups)
        before = self.run_tests(baseline, targets)
        comparable = before.passed
        everything, changes = self.trial(baseline, groups, "all")
        after = self.run_tests(everything, targets)
        failing: dict[tuple[str, str], list[str]] = {}
        kept_groups = dict(groups)
        if self.broken(comparable, after, everything, targets):
            kept_groups = self.narrow(baseline, groups, comparable, failing)
            after, changes = before, {}
            if kept_groups:
                final, changes = self.trial(baseline, kept_groups, "final")
                after = self.run_tests(final, targets)
                if self.broken(comparable, after, final, targets):  # each held alone, not together: keep none
                    failing.update({key: sorted(self.newly_failing(comparable, after)) for key in kept_groups})
                    kept_groups, changes, after = {}, {}, before
        fixes = [
            FixOutcome(d, (d.path, d.name) in kept_groups, failing.get((d.path, d.name), []))
            for d in sorted(candidates, key=Diagnostic.sort_key)
        ]
        written = [] if self.options.dry_run else self.write_back(baseline, changes)
        remaining = [d for d in found if d.fix is None] + [outcome.diagnostic for outcome in fixes if not outcome.kept]
        return VerifyReport(fixes, before, after, written, sorted(remaining, key=Diagnostic.sort_key), self.options.dry_run)

    def narrow(self, baseline: Path, groups: dict, comparable: set[str], failing: dict) -> dict:
        """Each file's fixes alone; a failing file's fixes rule by rule."""
        kept = {}
        by_file: dict[str, dict] = defaultdict(dict)
        for key, diagnostics in groups.items():
            by_file[key[0]][key] = diagnostics
        for path, file_groups in sorted(by_file.items()):
            targets = self.test_targets(file_groups)
            trial, _ = self.trial(baseline, file_groups, f"file-{len(kept)}-{Path(path).stem}")
            result = self.run_tests(trial, targets)
            if not self.broken(comparable, result, trial, targets):
                kept.update(file_groups)
                continue
            for key, diagnostics in file_groups.items():
                trial, _ = self.trial(baseline, {key: diagnostics}, f"rule-{Path(path).stem}-{key[1]}")
                result = self.run_tests(trial, targets)
                if self.broken(comparable, result, trial, targets):
                    failing[key] = sorted(self.newly_failing(comparable, result))
                else:
                    kept[key] = diagnostics
        return kept

    def broken(self, comparable: set[str], result: TestRun, project: Path, targets: list[str]) -> bool:
        """Whether a test that passed before fails now, after `--reruns` more chances."""
        failing = self.newly_failing(comparable, result)
        for _ in range(self.options.reruns):
            if not failing:
                break
            rerun = self.run_tests(project, targets)
            result.outcomes.update({test: True for test in rerun.passed})
            failing = self.newly_failing(comparable, result)
        return bool(failing)

    @staticmethod
    def newly_failing(comparable: set[str], result: TestRun) -> set[str]:
        return {test for test in comparable if not result.outcomes.get(test, False)}

    # -- copies, lint and fixes -----------------------------------------------------------------------

    def copy_of(self, source: Path, name: str) -> Path:
        target = self.scratch / name
        shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(*COPY_IGNORED))
        return target

    def scoped(self, project: Path) -> Settings:
        return dataclasses.replace(self.settings, project_root=project)

    def lint(self, project: Path) -> list[Diagnostic]:
        with _inside(project):
            result = run(self.paths, self.scoped(project), RunOptions(unsafe=True, cache=False))
        if result.errors:
            raise FileError("; ".join(f"{path}: {message}" for path, message in result.errors))
        return result.diagnostics

    def trial(self, baseline: Path, groups: dict, name: str) -> tuple[Path, dict[str, bytes]]:
        """A fresh copy of the baseline with the given (file, rule) groups' fixes applied, and what the
        fixes wrote (path from the project root -> content)."""
        trial = self.copy_of(baseline, name)
        rules_by_file: dict[str, set[str]] = defaultdict(set)
        for path, rule in groups:
            rules_by_file[path].add(rule)
        written: set[str] = set()
        with _inside(trial):
            for path, rules in sorted(rules_by_file.items()):
                settings = with_cli_overrides(self.scoped(trial), select=tuple(sorted(rules)))
                result = run([path], settings, RunOptions(fix=True, unsafe=True, cache=False))
                written.update(result.sources)
                written.update(result.created)
        return trial, {path: (trial / path).read_bytes() for path in sorted(written)}

    def test_targets(self, groups: dict) -> list[str]:
        """The test modules fixed, and the folders of fixed conftest.py files (or the whole suite)."""
        targets = set()
        for path, _ in groups:
            name = os.path.basename(path)
            if name == "conftest.py":
                targets.add(os.path.dirname(path) or ".")
            elif self.settings.collection.is_test_file(path):
                targets.add(path)
            else:
                return ["."]
        return sorted(targets)

    def write_back(self, baseline: Path, changes: dict[str, bytes]) -> list[str]:
        """The fixes that held, into the project: only where its file is still what was copied."""
        written = []
        for relative, content in changes.items():
            target, before = self.root / relative, baseline / relative
            if before.is_file():
                write_atomically(target, content, digest(before.read_bytes()))
            elif not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            else:
                continue
            written.append(relative)
        return written

    # -- running tests --------------------------------------------------------------------------------

    def run_tests(self, project: Path, targets: list[str]) -> TestRun:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise VerifyTimeout("the time limit ran out before the tests did")
        report = self.scratch / f"report-{project.name}-{time.monotonic_ns()}.xml"
        command = [self.options.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "junit_family=xunit1",
                   f"--junitxml={report}", *targets]  # fmt: skip
        environment = {**CONTAINER_ENV_DEFAULTS, **os.environ}
        since = int(time.time())
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=project, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, start_new_session=True)  # fmt: skip
        try:
            output, _ = process.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            self.remove_containers(since)
            raise VerifyTimeout(f"the tests ran past the time limit ({self.options.timeout:g} s)") from None
        wall = time.perf_counter() - started
        containers = self.containers_since(since)
        return TestRun(wall, _outcomes(report), containers, output)

    def containers_since(self, since: int) -> Counter | None:
        if self.docker is None:
            return None
        events = self.docker.events(since=since, until=int(time.time()) + 1, decode=True,
                                    filters={"type": "container", "event": "create", "label": "org.testcontainers=true"})  # fmt: skip
        return Counter(event["Actor"]["Attributes"].get("image", "?") for event in events)

    def remove_containers(self, since: int) -> None:
        """After a timeout: the containers the killed run started, by their ids. A create request the run
        sent just before it was killed may still complete: look twice."""
        if self.docker is None:
            return
        for _ in range(2):
            time.sleep(1)
            events = self.docker.events(since=since, until=int(time.time()) + 1, decode=True,
                                        filters={"type": "container", "event": "create", "label": "org.testcontainers=true"})  # fmt: skip
            for event in events:
                try:
                    self.docker.containers.get(event["id"]).remove(force=True)
                except Exception:  # already gone
                    pass


def _by_file_and_rule(diagnostics: list[Diagnostic]) -> dict[tuple[str, str], list[Diagnostic]]:
    groups: dict[tuple[str, str], list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        groups[(diagnostic.path, diagnostic.name)].append(diagnostic)
    return dict(groups)


def _outcomes(report: Path) -> dict[str, bool]:
    if not report.is_file():
        return {}
    outcomes = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        module_path = case.get("file") or case.get("classname", "").replace(".", "/") + ".py"
        classname = case.get("classname", "")
        owner = classname.rsplit(".", 1)[-1]
        test = f"{module_path}::{owner}::{case.get('name')}" if owner[:1].isupper() else f"{module_path}::{case.get('name')}"
        failed = any(child.tag in ("failure", "error") for child in case)
        skipped = any(child.tag == "skipped" for child in case)
        if not skipped:
            outcomes[test] = not failed
    return outcomes


def _docker_client():
    try:
        import docker

        client = docker.from_env(timeout=10)
        client.ping()
        return client
    except Exception:  # no SDK, no engine: runs are still compared, containers are not counted
        return None


class _inside:
    """Run with the project as the current directory (paths in diagnostics are relative to it)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.previous = os.getcwd()
        os.chdir(self.path)

    def __exit__(self, *exc_info) -> None:
        os.chdir(self.previous)


def render_text(report: VerifyReport) -> str:
    """The plain-text report (rich renders the same rows as a table on a terminal)."""
    lines = []
    for outcome in report.fixes:
        d = outcome.diagnostic
        status = "kept" if outcome.kept else "rejected"
        failing = f" (fails: {', '.join(outcome.failing_tests)})" if outcome.failing_tests else ""
        lines.append(f"{status:<9} {d.path}:{d.line}:{d.column}: {d.code} [{d.name}] {d.fix.message}{failing}")
    for label, result in (("before", report.before), ("after", report.after)):
        if result is not None:
            lines.append(f"suite {label + ':':<7} {describe(result)}")
    if report.written:
        lines.append(f"{'would write' if report.dry_run else 'wrote'}: {', '.join(report.written)}")
    return "\n".join(lines) + ("\n" if lines else "")


def describe(result: TestRun) -> str:
    passed = len(result.passed)
    failed = len(result.outcomes) - passed
    containers = "not counted (no Docker engine answered)" if result.containers is None else (
        ", ".join(f"{image} x {count}" for image, count in sorted(result.containers.items())) or "none")  # fmt: skip
    return f"{passed} passed, {failed} failed in {result.wall_seconds:.1f} s; containers started: {containers}"


def as_json(report: VerifyReport) -> dict:
    def run_json(result: TestRun | None):
        if result is None:
            return None
        return {"wall_seconds": round(result.wall_seconds, 3), "passed": len(result.passed),
                "failed": len(result.outcomes) - len(result.passed),
                "containers": dict(result.containers) if result.containers is not None else None}  # fmt: skip

    return {
        "fixes": [
            {"filename": os.path.abspath(o.diagnostic.path), "path": o.diagnostic.path, "row": o.diagnostic.line,
             "column": o.diagnostic.column, "code": o.diagnostic.code, "name": o.diagnostic.name,
             "message": o.diagnostic.message, "fix": o.diagnostic.fix.message, "applicability": o.diagnostic.fix.applicability,
             "status": "kept" if o.kept else "rejected", "failing_tests": o.failing_tests}
            for o in report.fixes
        ],
        "suite": {"before": run_json(report.before), "after": run_json(report.after)},
        "written": report.written,
        "dry_run": report.dry_run,
    }  # fmt: skip
