"""Hardening: huge files, files that vanish mid-run, Ctrl-C during --fix, workers that crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import interruptible, wait_until, write

from tclint.files import create_new, digest, write_atomically
from tclint.runner import RunOptions, run
from tclint.settings import load_settings

BAD = (
    "import pytest\nfrom testcontainers.community.redis import RedisContainer\n\n\n"
    "@pytest.fixture\ndef redis_{n}():\n    with RedisContainer('redis:7-alpine') as redis:\n        yield redis\n"
)


def generated(size: int, header: str = "") -> str:
    parts, total, index = [header], len(header), 0
    while total < size:
        chunk = f"def test_generated_{index}():\n    assert {{'key': {index}, 'items': [1, 2, 3]}}['key'] == {index}\n\n\n"
        parts.append(chunk)
        total += len(chunk)
        index += 1
    return "".join(parts)


def test_a_5_mb_file_no_rule_can_match_is_not_even_parsed(project, parsed):
    write(project, {"tests/test_big.py": generated(5_000_000)})
    result = run(["."], load_settings(None, project), RunOptions(cache=False))
    assert result.errors == [] and result.diagnostics == []
    assert parsed == []


@pytest.mark.slow
def test_a_5_mb_file_that_must_be_parsed_is_linted(project):
    header = "from testcontainers.community.redis import RedisContainer\n\n\n"
    write(project, {"tests/test_big.py": generated(5_000_000, header)})
    result = run(["."], load_settings(None, project), RunOptions(cache=False))
    assert result.errors == [] and result.diagnostics == []


def test_a_file_deleted_before_its_fix_is_written(project, monkeypatch):
    from tclint import worker

    write(project, {"tests/a/conftest.py": BAD.format(n=1), "tests/b/conftest.py": BAD.format(n=2)})
    real = worker.run

    def run_then_delete(task):
        report = real(task)
        if task.path == "tests/a/conftest.py" and task.fix:
            os.remove(project / task.path)
        return report

    monkeypatch.setattr(worker, "run", run_then_delete)
    result = run(["."], load_settings(None, project), RunOptions(fix=True, unsafe=True, cache=False))
    assert result.errors == [("tests/a/conftest.py", "cannot write: no such file or directory")]
    assert '@pytest.fixture(scope="session")' in (project / "tests/b/conftest.py").read_text()
    assert not (project / "tests/a/conftest.py").exists()


def test_a_crashing_worker_costs_only_its_file(project, monkeypatch):
    from tclint import pool

    write(project, {f"tests/test_{n}.py": BAD.format(n=n) for n in range(12)})
    real = pool._Worker.send

    def crash_on_one(self, message):
        if getattr(message, "path", None) != "tests/test_3.py":
            return real(self, message)
        os.kill(self.process.pid, signal.SIGSTOP)  # it cannot answer before it dies
        sent = real(self, message)
        os.kill(self.process.pid, signal.SIGKILL)  # a segfault while it holds the file, as far as the pool can tell
        return sent

    monkeypatch.setattr(pool._Worker, "send", crash_on_one)
    result = run(["."], load_settings(None, project), RunOptions(cache=False, jobs=2))
    assert result.errors == [("tests/test_3.py", "internal error: the worker linting this file crashed")]
    assert sorted({d.path for d in result.diagnostics}) == sorted(f"tests/test_{n}.py" for n in range(12) if n != 3)


@pytest.mark.parametrize(("to_group", "runner_ignores_sigint"), [
    pytest.param(False, False, id="to-tclint"),
    pytest.param(True, False, id="to-its-process-group"),  # as a terminal's Ctrl-C: the workers get it too
    # a test run started in the background (`pytest &`, nohup in a script) has SIGINT ignored, and its
    # children inherit that: the tclint it starts must still be interruptible, as from a terminal
    pytest.param(True, True, id="from-a-test-run-that-ignores-sigint"),
])  # fmt: skip
def test_ctrl_c_during_fix_leaves_every_file_old_or_new(project, to_group, runner_ignores_sigint):
    filler = generated(6_000)
    files = {f"tests/pkg{n}/conftest.py": BAD.format(n=n) + filler for n in range(300)}
    write(project, files)
    if runner_ignores_sigint:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # what tclint inherits: it starts below
    try:
        process = subprocess.Popen(interruptible([sys.executable, "-m", "tclint", "--fix", "--unsafe-fixes", "--no-cache", "-q", "."]),
                                   cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)  # fmt: skip
    finally:
        if runner_ignores_sigint:
            signal.signal(signal.SIGINT, previous)
    wait_until(lambda: any((project / name).read_text() != text for name, text in files.items()), "a first fixed file")
    if to_group:
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, "the signal lands mid-run"
    assert err.strip() == "tclint: interrupted", "and nothing else (click starts a new line): no worker's traceback"
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # no worker outlives tclint
    fixed = 0
    for name, original in files.items():
        text = (project / name).read_text()
        new = original.replace("@pytest.fixture\n", '@pytest.fixture(scope="session")\n', 1)
        assert text in (original, new), f"{name} is half-written"
        fixed += text == new
    assert 0 < fixed < len(files), "some files were fixed before the signal, not all"
    assert not list(project.rglob("*.tclint")), "no temporary file is left behind"


def test_a_ctrl_c_that_lands_while_a_worker_starts_neither_kills_it_nor_prints(project, capfd):
    """A terminal's Ctrl-C reaches the whole process group, workers included, also while a worker's
    interpreter is still starting (before it can ignore SIGINT)."""
    from tclint import pool, worker
    from tclint.facts import ProjectFacts

    write(project, {"tests/test_a.py": BAD.format(n=0)})
    started = pool._Worker.start(load_settings(None, project))
    try:
        os.kill(started.process.pid, signal.SIGINT)  # Popen returns once the interpreter is exec'd: it is starting
        source = (project / "tests/test_a.py").read_bytes()
        started.send(worker.Task("tests/test_a.py", source, ("function-scoped-container-fixture",), False, False, False, ProjectFacts()))
        report = started.receive()
    finally:
        started.stop()
    assert report is not None and [d.code for d in report.diagnostics] == ["TCL101"]
    assert capfd.readouterr().err == ""


def test_an_interrupt_does_not_wait_for_a_worker_stuck_on_a_file(project, monkeypatch):
    """The workers only compute reports: on an interrupt they are stopped, not waited for."""
    from tclint import pool

    write(project, {f"tests/test_{n}.py": BAD.format(n=n) for n in range(12)})
    real = pool._Worker.send
    stuck = project / "stuck.pid"

    def stuck_on_one(self, message):
        if getattr(message, "path", None) == "tests/test_0.py":
            os.kill(self.process.pid, signal.SIGSTOP)  # stuck: it answers nothing, not even SIGTERM
            stuck.write_text(str(self.process.pid))
        return real(self, message)

    def interrupt_once_stuck(done, total):
        if stuck.exists():
            raise KeyboardInterrupt

    def give_up(signum, frame):
        raise TimeoutError("the interrupt waited for the stuck worker")

    monkeypatch.setattr(pool._Worker, "send", stuck_on_one)
    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(60)
    try:
        with pytest.raises(KeyboardInterrupt):
            run(["."], load_settings(None, project), RunOptions(cache=False, jobs=2), interrupt_once_stuck)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        if stuck.exists() and _alive(int(stuck.read_text())):
            os.kill(int(stuck.read_text()), signal.SIGKILL)
            pytest.fail("the stuck worker outlived the run")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("write", [
    pytest.param(lambda target: write_atomically(target, b"new\n", digest(b"old\n")), id="a-fixed-file"),
    pytest.param(lambda target: create_new(target.with_name("wait_helper.py"), b"new\n"), id="a-new-file"),
])  # fmt: skip
def test_ctrl_c_during_a_write_takes_effect_once_the_file_is_written(tmp_path, monkeypatch, write):
    import tempfile

    target = tmp_path / "test_a.py"
    target.write_bytes(b"old\n")
    real = tempfile.mkstemp

    def interrupted_mkstemp(*args, **kwargs):
        made = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C lands as the temporary file is made
        return made

    monkeypatch.setattr(tempfile, "mkstemp", interrupted_mkstemp)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # also where SIGINT is ignored (nohup, cmd &)
    try:
        with pytest.raises(KeyboardInterrupt):
            write(target)
    finally:
        signal.signal(signal.SIGINT, previous)
    written = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert written in ({"test_a.py": b"new\n"}, {"test_a.py": b"old\n", "wait_helper.py": b"new\n"}), "no temporary file"


def test_a_fixture_duplicated_in_thousands_of_files_costs_linear_text():
    """Each message names a few of the others: naming them all was n² text (a fuzz run over 16,000
    files each given the same fixture ran out of 24 GiB)."""
    from tclint.facts import FileFacts, FixtureFact
    from tclint.rules.container_fixture_duplicated import ContainerFixtureDuplicated

    redis = ("testcontainers.redis.RedisContainer", ("'redis:7'",), ())
    files = [
        FileFacts(f"tests/test_{n:05}.py", (FixtureFact("redis_container", "session", (), redis, line=7),))
        for n in reversed(range(20_000))
    ]
    diagnostics = ContainerFixtureDuplicated.check_project(files)
    assert len(diagnostics) == 20_000
    assert max(len(d.message) for d in diagnostics) < 300
    first = next(d for d in diagnostics if d.path == "tests/test_00000.py")
    assert first.message == (
        "Fixture `redis_container` starts the same container as `redis_container` (tests/test_00001.py:7), "
        "`redis_container` (tests/test_00002.py:7), `redis_container` (tests/test_00003.py:7) and 19,996 more: "
        "one test session starts it 20000 times"
    )


DEEP = (
    "from testcontainers.community.redis import RedisContainer\n\n\n"
    "def test_table():\n    total = {sum}\n    with RedisContainer('redis:7-alpine') as redis:\n        assert total\n"
)


def test_a_sum_nested_deeper_than_pythons_default_recursion_limit_is_linted(project):
    write(project, {"tests/test_table.py": DEEP.format(sum="+".join(["1"] * 2500))})
    result = run(["."], load_settings(None, project), RunOptions(cache=False, jobs=1))
    assert result.errors == []
    assert [d.code for d in result.diagnostics] == ["TCL102"]


def test_a_file_too_deep_even_for_the_lint_stack_is_a_clear_error(project, monkeypatch):
    from tclint import worker

    monkeypatch.setattr(worker, "LINT_RECURSION_LIMIT", 100)
    write(project, {"tests/test_table.py": DEEP.format(sum="+".join(["1"] * 2500)), "tests/conftest.py": BAD.format(n=1)})
    result = run(["."], load_settings(None, project), RunOptions(cache=False, jobs=1))
    assert result.errors == [("tests/test_table.py", "too deeply nested for libcst to process")]
    assert [d.code for d in result.diagnostics] == ["TCL101"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_no_worker_outlives_a_tclint_that_is_killed(project):
    """SIGKILL gives tclint no chance to stop its workers: they must notice and go by themselves."""
    files = {f"tests/pkg{n}/conftest.py": BAD.format(n=n) + generated(6_000) for n in range(300)}
    write(project, files)
    process = subprocess.Popen([sys.executable, "-m", "tclint", "--fix", "--unsafe-fixes", "--no-cache", "-q", "."],
                               cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    wait_until(lambda: any((project / name).read_text() != text for name, text in files.items()), "a first fixed file")
    assert _running_in_group(process.pid) - {process.pid}, "the run has workers"
    process.kill()
    process.wait()
    wait_until(lambda: not _running_in_group(process.pid), "every worker gone")


def _running_in_group(group: int) -> set[int]:
    """The processes of a process group that have not exited (a zombie no one reaps has)."""
    running = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            running.add(int(stat.parent.name))
    return running
