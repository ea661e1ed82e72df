"""The linting pool: tasks (a file's bytes, its rules and the facts it needs) in, reports out, in worker
processes when there are enough files to pay for them.

The pool is tclint's own: each worker holds one task at a time over a pipe of its own, so a worker
that dies costs exactly the file it held, and stopping the pool is killing its workers, with no
thread of the pool's in the parent to race with. Workers ignore SIGINT: on Ctrl-C the parent stops
them at once, and as they only compute reports (the parent writes every file), no file is left
half-written."""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Iterator
from typing import TypeVar

from tclint import worker
from tclint.diagnostics import FileReport
from tclint.settings import Settings

POOL_THRESHOLD = 8  # files to parse before a process pool pays for itself
STOP_WAIT_S = 5  # how long a terminated worker may take to go before it is killed
PARENT_CHECK_S = 1.0  # how often an idle worker checks that tclint is still there
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
        if len(tasks) < POOL_THRESHOLD or self._size() < 2:
            for key, task in tasks:
                yield key, worker.run(task)
            return
        yield from self._run_in_pool(tasks)

    def _run_in_pool(self, tasks: list[tuple[Key, worker.Task]]) -> Iterator[tuple[Key, FileReport]]:
        """A worker gets its next task as soon as its report is in, before the report is handed on."""
        from multiprocessing.connection import wait

        queue = deque(tasks)
        while len(self.workers) < min(self._size(), len(tasks)):
            self.workers.append(self._start())
        busy: dict[_Worker, tuple[Key, worker.Task]] = {}
        try:
            for index in range(len(self.workers)):
                if queue:
                    self._hand(index, queue.popleft(), busy)
            while busy:
                ready = set(wait([handle for each in busy for handle in (each.connection, each.process.sentinel)]))
                for index, each in enumerate(self.workers):
                    if each in busy and (each.connection in ready or each.process.sentinel in ready):
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
        self.workers[index] = self._start()

    def _size(self) -> int:
        return self.jobs or os.cpu_count() or 1

    def _start(self) -> _Worker:
        import multiprocessing

        import tclint.engine.lint  # noqa: F401  (imported once here, inherited by forked workers)

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix" else None
        context = multiprocessing.get_context(method)
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(child_end, self.settings), daemon=True, name="tclint-worker")
        process.start()
        child_end.close()  # the parent holds only its own end, so a dead worker's pipe reads as closed
        return _Worker(process, parent_end)

    def close(self) -> None:
        """Stop every worker, busy or not: what they were computing is not wanted any more."""
        workers, self.workers = self.workers, []
        for each in workers:
            each.stop()


class _Worker:
    def __init__(self, process, connection) -> None:
        self.process = process
        self.connection = connection

    def send(self, task: worker.Task) -> bool:
        try:
            self.connection.send(task)
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
        self.connection.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(STOP_WAIT_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _serve(connection, settings: Settings) -> None:
    """A worker: a task in, its report out, until the parent closes the pipe or stops it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    worker.init(settings)
    parent = os.getppid()
    while True:
        # A parent killed outright (SIGKILL, SIGTERM) never closes the pipe, and forked siblings hold
        # copies of its end: the pipe alone would keep an idle worker waiting for ever.
        while not connection.poll(PARENT_CHECK_S):
            if os.getppid() != parent:
                return
        try:
            task = connection.recv()
        except EOFError:
            return
        report = worker.run(task)
        try:
            connection.send(report)
        except BrokenPipeError:
            return
