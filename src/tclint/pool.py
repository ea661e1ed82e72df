"""The linting pool: tasks (a file's bytes, its rules and the facts it needs) in, reports out, in worker
processes when there are enough files to pay for them. A worker that dies costs only the file that
killed it."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from typing import TypeVar

from tclint import worker
from tclint.diagnostics import FileReport
from tclint.settings import Settings

POOL_THRESHOLD = 8  # files to parse before a process pool pays for itself
IN_FLIGHT_PER_WORKER = 4
CRASHED = "internal error: the worker linting this file crashed"

Key = TypeVar("Key")


class LintPool:
    def __init__(self, settings: Settings, jobs: int | None) -> None:
        self.settings = settings
        self.jobs = jobs
        self.pool = None
        worker.init(settings)

    def run(self, tasks: list[tuple[Key, worker.Task]]) -> Iterator[tuple[Key, FileReport]]:
        """Each task's report, in the order they finish."""
        if not tasks:
            return
        if len(tasks) < POOL_THRESHOLD or (self.jobs or os.cpu_count() or 1) < 2:
            for key, task in tasks:
                yield key, worker.run(task)
            return
        yield from self._run_in_pool(tasks)

    def _run_in_pool(self, tasks: list[tuple[Key, worker.Task]]) -> Iterator[tuple[Key, FileReport]]:
        """Stream the tasks through the pool, a bounded window at a time. When a worker dies, the pool
        is lost: the tasks it held are retried one by one, so that only the one that kills a worker is
        reported as such."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        queue = deque(tasks)
        while queue:
            pool = self._pool()
            window = IN_FLIGHT_PER_WORKER * pool._max_workers
            running: dict = {}
            suspects: list[tuple[Key, worker.Task]] = []
            try:
                while queue or running:
                    while queue and len(running) < window:
                        key, task = queue.popleft()
                        running[pool.submit(_in_worker, task)] = (key, task)
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        key, task = running.pop(future)
                        try:
                            report = future.result()
                        except BrokenProcessPool:
                            suspects.append((key, task))
                            continue
                        yield key, report
                    if suspects:
                        break
            except BrokenProcessPool:  # submitting to a pool that broke meanwhile
                pass
            suspects.extend(running.values())
            if suspects:
                self.close()
                yield from self._run_isolated(suspects)

    def _run_isolated(self, tasks: list[tuple[Key, worker.Task]]) -> Iterator[tuple[Key, FileReport]]:
        """Files whose worker died, each in a pool of its own."""
        from concurrent.futures.process import BrokenProcessPool

        for key, task in tasks:
            pool = self._pool(workers=1)
            try:
                yield key, pool.submit(_in_worker, task).result()
            except BrokenProcessPool:
                yield key, FileReport(task.path, error=CRASHED)
            self.close()

    def _pool(self, workers: int | None = None):
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            import tclint.engine.lint  # noqa: F401  (imported once here, inherited by forked workers)

            method = "fork" if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix" else None
            context = multiprocessing.get_context(method)
            workers = workers or self.jobs or os.cpu_count() or 1
            self.pool = ProcessPoolExecutor(workers, mp_context=context, initializer=worker.init, initargs=(self.settings,))
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _in_worker(task: worker.Task) -> FileReport:
    """What a pool worker runs: looked up when called, so that the forked worker runs what the parent has."""
    return worker.run(task)
