"""Time tclint against the libcst floor and its peers, in one run, and add the run to bench/RESULTS.md.

    python bench/corpus.py                      # once: fetch the sdists, build the corpora
    python bench/run.py [--runs 5] [--with-fixit] [--baseline REV] [--only TEXT]

Every command runs as its own process, interleaved with the others round by round; the table gives
medians and each tclint figure as a ratio to the floor measured in the same run, by wall time and by CPU
time (user + system of the command and the processes it waited for, from os.wait4). On a shared machine
the wall ratios move with the load; the CPU ratios much less (the load average at the start and the end
of the run is in the section). `perf stat -e instructions` would count instructions, independent of the
load, but the machine these figures come from has no hardware counters (`<not supported>`). Peak memory is the
largest resident set of the command's processes (os.wait4). Fixit takes about 15 minutes per run over
the typical corpus, so it runs once and only with --with-fixit. With --baseline REV, every tclint command
also runs on the commit REV's source (`git archive` into bench/.work, run by this interpreter), interleaved
with today's, and the table gives today's time as a ratio to REV's. A run of every command goes into
RESULTS.md as its newest section, above the earlier ones; a run with --only is printed, not written.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
BIN = Path(sys.executable).parent
PYTHON = sys.executable
# Timed as installed: with bytecode caches, which pip writes at install time. A machine that sets
# PYTHONDONTWRITEBYTECODE would otherwise recompile an editable checkout on every start (~35 ms).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Command:
    name: str
    argv: list[str]
    cwd: Path
    prepare: list[str] | None = None  # run (untimed) before every timed run
    once: bool = False
    ok_codes: tuple[int, ...] = (0, 1, 2)  # 2: a corpus file libcst cannot parse (sqlalchemy's t-string tests)
    env: dict[str, str] = field(default_factory=dict)  # added to ENV (the baseline's PYTHONPATH)
    baseline: Command | None = None  # the same command on the baseline's source
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # user + system seconds, its waited-for children included
    peak_kb: int = 0

    def run(self) -> None:
        env = {**ENV, **self.env}
        if self.prepare:
            subprocess.run(self.prepare, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        start = time.perf_counter()
        process = subprocess.Popen(self.argv, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        self.walls.append(time.perf_counter() - start)
        self.cpus.append(usage.ru_utime + usage.ru_stime)
        self.peak_kb = max(self.peak_kb, usage.ru_maxrss)
        code = os.waitstatus_to_exitcode(status)
        if code not in self.ok_codes:
            raise SystemExit(f"{self.name}: exit {code}: {process.stderr.read().decode()[-2000:]}")

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


def count(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.py"))


LARGE_FILE_TESTS = 200  # the module-level tests of the large file, each with a fixable diagnostic


def large_file(folder: Path) -> None:
    """A test module of 1,000 lines with one fixable diagnostic per test (a missing integration mark)."""
    folder.mkdir()
    (folder / "pyproject.toml").write_text('[tool.tclint]\nextend-select = ["TCL502"]\n')
    head = (
        "import pytest\nfrom testcontainers.community.postgres import PostgresContainer\n\n\n"
        '@pytest.fixture(scope="session")\ndef postgres_container():\n'
        '    with PostgresContainer("postgres:16-alpine") as postgres:\n        yield postgres\n'
    )
    tests = (
        f"\n\ndef test_query_{n}(postgres_container):\n    url = postgres_container.get_connection_url()\n"
        f"    assert url.startswith('postgresql')\n"
        for n in range(LARGE_FILE_TESTS)
    )
    (folder / "test_large.py").write_text(head + "".join(tests))


def commands(with_fixit: bool, scratch: Path) -> list[Command]:
    tclint = [str(BIN / "tclint"), "check", "-q", "--exit-zero"]
    floor = [PYTHON, str(HERE / "parse_floor.py")]
    made = []
    for corpus in ("typical", "heavy"):
        cwd = CORPUS
        made += [
            Command(f"{corpus}: tclint check --no-cache", [*tclint, "--no-cache", corpus], cwd),
            Command(f"{corpus}: tclint check, warm cache", [*tclint, corpus], cwd, prepare=None),
            Command(f"{corpus}: libcst parse, 1 process", [*floor, "--jobs", "1", corpus], cwd),
            Command(f"{corpus}: libcst parse, 2 processes", [*floor, "--jobs", "2", corpus], cwd),
            Command(f"{corpus}: ast.parse, 1 process", [PYTHON, "-c", AST_FLOOR, corpus], cwd),
        ]
        made[-4].prepare = [*tclint, corpus]  # the warm run follows a run that filled the cache
        if shutil.which("ruff", path=str(BIN)) or shutil.which("ruff"):
            ruff = shutil.which("ruff", path=str(BIN)) or "ruff"
            made.append(Command(f"{corpus}: ruff check --select PT --no-cache", [ruff, "check", "--select", "PT",
                                "--no-cache", "--exit-zero", "-q", "--isolated", corpus], cwd))  # fmt: skip
        if with_fixit and corpus == "typical" and shutil.which("fixit", path=str(BIN)):
            fixit = [shutil.which("fixit", path=str(BIN)), "lint", corpus]
            made.append(Command(f"{corpus}: fixit lint", fixit, cwd, once=True, ok_codes=(0, 1, 2, 3)))  # bits: 1 violations, 2 files it failed on
    small = scratch / "small"
    small.mkdir()
    (small / "test_plain.py").write_text("def test_add():\n    assert 1 + 1 == 2\n")
    (small / "conftest.py").write_text(
        "import pytest\nfrom testcontainers.redis import RedisContainer\n\n\n@pytest.fixture\n"
        "def redis_container():\n    with RedisContainer('redis:7-alpine') as redis:\n        yield redis\n"
    )
    made += [
        Command("one file: python -c pass", [PYTHON, "-c", "pass"], small),
        Command("one file: python -c 'import libcst'", [PYTHON, "-c", "import libcst"], small),
        Command("one file: tclint --version", [str(BIN / "tclint"), "--version"], small),
        Command("one file: tclint check, no rule can match", [*tclint, "--no-cache", "test_plain.py"], small),
        Command("one file: tclint check, a matching file", [*tclint, "--no-cache", "conftest.py"], small),
    ]
    large_file(scratch / "large")
    made.append(Command("large file: tclint check --output-format json", [*tclint, "--no-cache", "--output-format", "json",
                        "test_large.py"], scratch / "large"))  # fmt: skip
    if shutil.which("ruff", path=str(BIN)):
        made.append(Command("one file: ruff check --select PT", [shutil.which("ruff", path=str(BIN)), "check", "--select",
                            "PT", "--no-cache", "--isolated", "-q", "--exit-zero", "conftest.py"], small))  # fmt: skip
    return made


AST_FLOOR = (
    "import ast, pathlib, sys, warnings\nwarnings.simplefilter('ignore')\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.py')):\n"
    "    try: ast.parse(p.read_bytes())\n    except Exception: pass\n"
)


def baseline_source(revision: str) -> Path:
    """The source folder of `revision`, exported once into bench/.work."""
    commit = subprocess.run(["git", "rev-parse", "--verify", f"{revision}^{{commit}}"], cwd=HERE, check=True,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    folder = HERE / ".work" / f"baseline-{commit[:12]}"
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        # the package reads its rule docs from the checkout's rules/ folder
        archive = subprocess.run(["git", "archive", commit, "src", "rules"], cwd=HERE.parent, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
        (folder / "done").touch()
    return folder / "src"


def with_baseline(made: list[Command], revision: str) -> list[Command]:
    """Each tclint command followed by its twin on the baseline's source."""
    source = baseline_source(revision)
    tclint = str(BIN / "tclint")
    paired = []
    for command in made:
        paired.append(command)
        if command.argv[0] == tclint:
            twin = Command(f"{command.name} [{revision}]", [PYTHON, "-m", "tclint", *command.argv[1:]], command.cwd,
                           once=command.once, ok_codes=command.ok_codes, env={"PYTHONPATH": str(source)})  # fmt: skip
            if command.prepare and command.prepare[0] == tclint:
                twin.prepare = [PYTHON, "-m", "tclint", *command.prepare[1:]]
            command.baseline = twin
            paired.append(twin)
    return paired


TITLE = "# Benchmark results"


def both(a: Command | None, b: Command | None) -> str:
    wall = ratio(a, b)
    return f"{wall}, {ratio(a, b, cpu=True)}" if wall else ""


def ratio(a: Command | None, b: Command | None, cpu: bool = False) -> str:
    if a is None or b is None or not a.walls or not b.walls:
        return ""
    return f"{a.cpu / b.cpu:.3f}x" if cpu else f"{a.median / b.median:.3f}x"


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def report(made: list[Command], runs: int, baseline: str | None = None, loads: tuple[str, str] = ("", "")) -> str:
    by_name = {command.name: command for command in made}
    options = f"{' --with-fixit' if any(c.once for c in made) else ''}{f' --baseline {baseline}' if baseline else ''}"
    lines = [
        f"## Full run, {time.strftime('%Y-%m-%d')}",
        "",
        (
            f"Measured by `python bench/run.py --runs {runs}{options}` on "
            f"{time.strftime('%Y-%m-%d')}: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.machine()}. Medians of {runs} interleaved runs (Fixit: one run), with bytecode caches as "
            "an install leaves them. Corpora from "
            "`python bench/corpus.py`: "
            f"typical = {count(CORPUS / 'typical')} test files of 10 sdists, heavy = {count(CORPUS / 'heavy')} files "
            "that every rule must parse."
            f" Load average (1 / 5 / 15 min) at the start: {loads[0]}; at the end: {loads[1]}."
        ),
        "",
        "| command | wall (median) | CPU (median) | runs | peak RSS | vs libcst floor, 1 process: wall, CPU |"
        " vs libcst floor, 2 processes: wall, CPU |" + (f" vs {baseline}: wall, CPU |" if baseline else ""),
        "|---|---|---|---|---|---|---|" + ("---|" if baseline else ""),
    ]
    for command in made:
        corpus = command.name.split(":")[0]
        floor1 = by_name.get(f"{corpus}: libcst parse, 1 process")
        floor2 = by_name.get(f"{corpus}: libcst parse, 2 processes")
        lines.append(
            f"| {command.name} | {command.median:.3f} s | {command.cpu:.3f} s | {len(command.walls)} | {command.peak_kb / 1024:.0f} MB | "
            f"{both(command, floor1)} | {both(command, floor2)} |" + (f" {both(command, command.baseline)} |" if baseline else "")
        )
    lines += ["", "### Goals", ""]
    cold = by_name.get("typical: tclint check --no-cache")
    heavy = by_name.get("heavy: tclint check --no-cache")
    goals = [
        ("typical corpus, cold <= 0.25x the 1-process libcst parse", cold, by_name.get("typical: libcst parse, 1 process"), 0.25),
        ("heavy corpus, cold <= 1.3x the 2-process libcst parse", heavy, by_name.get("heavy: libcst parse, 2 processes"), 1.3),
    ]
    for label, mine, floor, limit in goals:
        if mine and floor:
            value, cpu = mine.median / floor.median, mine.cpu / floor.cpu
            lines.append(f"- {label}: **{value:.3f}x** by wall time ({'met' if value <= limit else 'missed'}); "
                         f"{cpu:.3f}x by CPU time")
    warm = by_name.get("typical: tclint check, warm cache")
    if warm:
        lines.append(f"- warm cache, typical corpus <= 0.5 s: **{warm.median:.3f} s** ({'met' if warm.median <= 0.5 else 'missed'})")
    for label, name, limit in (("no rule can match", "one file: tclint check, no rule can match", 0.1),
                               ("a matching file", "one file: tclint check, a matching file", 0.35)):  # fmt: skip
        one = by_name.get(name)
        if one:
            lines.append(f"- one file, {label} < {limit} s: **{one.median:.3f} s** ({'met' if one.median < limit else 'missed'})")
    for peer in ("typical: ruff check --select PT --no-cache", "typical: fixit lint"):
        other = by_name.get(peer)
        if other and cold:
            lines.append(f"- {peer.split(': ', 1)[1]} over the typical corpus takes {other.median / cold.median:.2f}x tclint's cold run")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--with-fixit", action="store_true")
    parser.add_argument("--only", action="append", help="run only the commands whose name contains this (repeatable)")
    parser.add_argument("--baseline", help="also run every tclint command on this commit's source, for ratios")
    args = parser.parse_args()
    if not (CORPUS / "typical").is_dir():
        raise SystemExit("no corpus: run python bench/corpus.py first")
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(HERE.parent / "src")], check=True, env=ENV)
    with tempfile.TemporaryDirectory() as scratch:
        made = commands(args.with_fixit, Path(scratch))
        if args.only:
            made = [command for command in made if any(text in command.name for text in args.only)]
        if args.baseline:
            made = with_baseline(made, args.baseline)
            subprocess.run([PYTHON, "-m", "compileall", "-q", str(baseline_source(args.baseline))], check=True, env=ENV)
        start_load = load_average()
        for round_number in range(args.runs):
            for command in made:
                if command.once and command.walls:
                    continue
                command.run()
                print(f"round {round_number + 1}: {command.name}: {command.walls[-1]:.3f} s, CPU {command.cpus[-1]:.3f} s, "
                      f"load {load_average()}", file=sys.stderr)
        text = report(made, args.runs, args.baseline, (start_load, load_average()))
    print(text)
    if not args.only:
        results = HERE / "RESULTS.md"
        earlier = results.read_text(encoding="utf-8") if results.exists() else ""
        results.write_text(with_new_section(earlier, text), encoding="utf-8")
    return 0


def with_new_section(results: str, section: str) -> str:
    """RESULTS.md with the newest full run first and every earlier section kept below it."""
    earlier = results.removeprefix(TITLE).lstrip("\n")
    return f"{TITLE}\n\n{section}" + (f"\n{earlier}" if earlier else "")


if __name__ == "__main__":
    raise SystemExit(main())
