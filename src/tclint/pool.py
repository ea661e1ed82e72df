"""The linting pool: tasks (a file's bytes, its rules and the facts it needs) in, reports out, in worker
processes when there are enough files to pay for them.

The pool is tclint's own: each worker holds one task at a time over a socket of its own, so a worker
that dies costs exactly the file it held, and stopping the pool is killing its workers, with no
thread of the pool's in the parent to race with. Workers are fresh interpreters (`python -I -c`), not
forks: tclint lints some files in-process on a thread of its own (`worker.on_deep_stack`), and
forking a process that has threads may deadlock the child (Python 3.12 warns). Each worker is the
only holder of its end of the socket, so a tclint that dies, even by SIGKILL, ends them: they read
the end of the socket and leave. Workers ignore SIGINT from their first instruction on: on Ctrl-C the
parent stops them at once, and as they only compute reports (the parent writes every file), no file
is left half-written."""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Iterator
from typing import TypeVar

from tclint import worker
from tclint.diagnostics import FileReport
from tclint.settings import Settings

POOL_THRESHOLD = 8  # files to parse before a process pool pays for itself
CRASHED = "internal error: the worker linting this file crashed"

Key = TypeVar("Key")


class LintPool:
    def __init__(self, settings: Settings, jobs: int | None) -> None:
        self.settings = settings
        self.jobs = jobs
        self.workers: list[_Worker] = []
        worker.init(settings)

    def run(self, tasks: list[tuple[Key, worker.Task]]) -> Iterator[tuple[Key, FileReport]]:
        """Each task's report, in the order they finish."""
        if not tasks:
            return
        if len(tasks) < POOL_THRESHOLD or self._size() < 2 or os.name != "posix":
            for key, task in tasks:
                yield key, worker.run(task)
            return
        yield from self._run_in_pool(tasks)

    def _run_in_pool(self, tasks: list[tuple[Key, worker.Task]]) -> Iterator[tuple[Key, FileReport]]:
        """A worker gets its next task as soon as its report is in, before the report is handed on."""
        from multiprocessing.connection import wait

        queue = deque(tasks)
        while len(self.workers) < min(self._size(), len(tasks)):
            self.workers.append(_Worker.start(self.settings))
        busy: dict[_Worker, tuple[Key, worker.Task]] = {}
        try:
            for index in range(len(self.workers)):
                if queue:
                    self._hand(index, queue.popleft(), busy)
            while busy:
                ready = set(wait([each.connection for each in busy]))  # a report, or a dead worker's end of file
                for index, each in enumerate(self.workers):
                    if each in busy and each.connection in ready:
                        key, task = busy.pop(each)
                        report = each.receive()
                        if report is None:
                            self._replace(index)
                            report = FileReport(task.path, error=CRASHED)
                        if queue:
                            self._hand(index, queue.popleft(), busy)
                        yield key, report
        finally:
            if busy:  # abandoned midway: those workers' reports must not reach the next run
                for each in busy:
                    each.stop()
                self.workers = [each for each in self.workers if each not in busy]

    def _hand(self, index: int, item: tuple[Key, worker.Task], busy: dict) -> None:
        """Send the task to the worker; one that died idle is replaced first."""
        if not self.workers[index].send(item[1]):
            self._replace(index)
            self.workers[index].send(item[1])  # a fresh worker that is gone already shows as a crash
        busy[self.workers[index]] = item

    def _replace(self, index: int) -> None:
        self.workers[index].stop()
        self.workers[index] = _Worker.start(self.settings)

    def _size(self) -> int:
        return self.jobs or os.cpu_count() or 1

    def close(self) -> None:
        """Stop every worker, busy or not: what they were computing is not wanted any more."""
        workers, self.workers = self.workers, []
        for each in workers:
            each.stop()


class _Worker:
    def __init__(self, process, connection) -> None:
        self.process = process
        self.connection = connection

    @classmethod
    def start(cls, settings: Settings) -> _Worker:
        """A worker on a fresh interpreter that sees the modules this process sees (its sys.path; `-I`
        keeps the current folder, which holds the project being linted, off it)."""
        import subprocess
        from multiprocessing.connection import Pipe

        parent_end, child_end = Pipe()
        program = f"import sys; sys.path[:] = {sys.path!r}; from tclint.pool import serve; serve({child_end.fileno()})"
        # The worker starts with SIGINT blocked (the mask survives exec) and unblocks it once it ignores
        # it: a Ctrl-C while it starts up must not print its KeyboardInterrupt.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            process = subprocess.Popen([sys.executable, "-I", "-c", program], pass_fds=(child_end.fileno(),),
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)  # fmt: skip
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            child_end.close()  # the worker's end is the worker's alone: tclint gone, the worker reads the end
        made = cls(process, parent_end)
        made.send(settings)
        return made

    def send(self, message) -> bool:
        try:
            self.connection.send(message)
        except OSError:  # the worker is gone
            return False
        return True

    def receive(self) -> FileReport | None:
        """The worker's report, or None when it died before sending it."""
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            return None

    def stop(self) -> None:
        """Killed, not asked: a worker only computes, and one stuck on a file must not hold tclint up."""
        self.connection.close()
        self.process.kill()
        self.process.wait()


def serve(fd: int) -> None:
    """A worker: the settings, then a task in, its report out, until tclint closes its end or stops it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    from multiprocessing.connection import Connection

    connection = Connection(fd)
    try:
        worker.init(connection.recv())
        while True:
            report = worker.run(connection.recv())
            connection.send(report)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        return
