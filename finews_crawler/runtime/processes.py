"""Helper processes the crawl's event loop feeds through their pipes, one job at a time each.

They clean articles, write them and run the generic extractor.  (Not the
distributed `FINEWS_ROLE=worker`, which is a whole crawl process.)

Why not `concurrent.futures.ProcessPoolExecutor`: it feeds its workers
through two helper threads of the crawl process, and every job woke both,
so the GIL passed between them and the reactor ~100 times per article
(`strace -f -c`) and the hand-over cost the reactor more than the work it
moved away (bench/README.md, issue 13).  Here the loop writes a job to a
worker's stdin and reads the answer from its stdout itself.  One job per
worker at a time means a worker that dies names the job that killed it.

A job's budget is its own time: the worker arms an alarm when it starts
the job and the job ends with `OverBudget` when it rings, in the worker,
whatever the crawl's event loop was doing meanwhile (a job answered while
the loop was busy elsewhere is not over budget for having waited to be
collected).  Code that does not return to the interpreter (a stuck parse in
C) is the crawl's to end: past twice the budget and a second it kills the
process, and a killed worker is replaced, never handed another job.

A worker is `python -m finews_crawler.runtime.processes LIFELINE`: it imports the
job's module when the first job names it (never Scrapy unless the job
does), and exits when LIFELINE, a pipe only the crawl holds open, reads
end-of-file: a crawl killed outright (SIGKILL, the OOM killer) takes its
workers with it instead of leaving them running, holding a cron job's
output open.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable
from functools import cache
from typing import Any, BinaryIO

FRAME = struct.Struct(">I")  # each message: its length, then a pickle


class WorkerDied(Exception):
    """The worker process ended without answering (a crash in native code, a kill)."""


class OverBudget(Exception):
    """The job took longer than its budget (ended by its worker's alarm, or its process killed)."""


def backstop(budget: float) -> float:
    """When the crawl kills a worker whose job ignores its alarm (stuck in C code)."""
    return 2 * budget + 1.0


@cache
def _lifeline() -> int:
    """The reading end of a pipe whose writing end lives, unwritten, as long as this process."""
    read, _write = os.pipe()  # both close-on-exec: a worker gets the reading end through pass_fds only
    return read


def _pickled(message: Any) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return FRAME.pack(len(payload)) + payload


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.over_budget = False

    @classmethod
    async def start(cls) -> _Worker:
        path = os.pathsep.join(entry or os.getcwd() for entry in sys.path)  # the crawl's imports, tests' too
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", __name__, str(_lifeline()), pass_fds=(_lifeline(),),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": path})
        return cls(process)

    async def call(self, function: str, args: tuple[Any, ...], budget: float | None) -> tuple[bool, Any]:
        """(True, the result) or (False, the exception the job raised, OverBudget past `budget` seconds)."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(_pickled((function, args, budget)))
            await stdin.drain()
            (size,) = FRAME.unpack(await stdout.readexactly(FRAME.size))
            return pickle.loads(await stdout.readexactly(size))
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise WorkerDied(f"worker process {self.process.pid} ended ({await self.process.wait()})") from exc

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()

    def stuck(self) -> None:
        """The job ignored its alarm: end the process (it is never given another job)."""
        self.over_budget = True
        self.kill()

    async def stop(self) -> None:
        """End its input (an idle worker then exits) and wait for the process to end."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        await self.process.wait()


class HelperPool:
    """Up to `size` worker processes, started when a job needs one; `run` awaits a job's result.

    A job is a module-level function (the worker imports it by name) and
    picklable arguments; its exception travels back and is raised here.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._slots = asyncio.Semaphore(size)
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._starting: asyncio.Future[list[Any]] | None = None
        self._closed = False

    def start(self, function: Callable[..., Any], *args: Any) -> asyncio.Future[list[Any]]:
        """Start every worker now, in the background, each running `function(*args)`; done when all have.

        The job is what the real jobs would otherwise pay first: their imports (`preload`), or
        opening what they share; a worker's start and imports take 0.1-0.5 s.  A worker that
        fails here is left to the first real job to meet and report; `close` ends a start still
        under way, so no worker outlives the pool.  Started once: a later call returns the same future.
        """
        if self._starting is None:
            jobs = (self.run(function, *args) for _ in range(self._size))
            self._starting = asyncio.ensure_future(asyncio.gather(*jobs, return_exceptions=True))
        return self._starting

    async def run(self, function: Callable[..., Any], *args: Any, budget: float | None = None) -> Any:
        """The job's result; OverBudget past `budget` seconds, WorkerDied if its process died."""
        name = f"{function.__module__}:{function.__qualname__}"
        async with self._slots:
            worker = self._idle.pop() if self._idle else await _Worker.start()
            if self._closed:  # the pool closed while this worker started
                worker.kill()
                await worker.stop()
                raise WorkerDied("the worker pool was closed")
            self._busy.add(worker)
            # A timer, not asyncio.wait_for: no task per job (wait_for's cost showed in the crawl bench).
            timer = (asyncio.get_running_loop().call_later(backstop(budget), worker.stuck)
                     if budget is not None else None)
            try:
                ok, value = await worker.call(name, args, budget)
            except WorkerDied:
                if worker.over_budget:
                    raise OverBudget(f"over its budget of {budget:g} s") from None
                raise
            except BaseException:  # cancelled mid-job: its answer must not become the next job's
                worker.kill()
                raise
            finally:
                self._busy.discard(worker)
                if timer is not None:
                    timer.cancel()
            if not worker.over_budget:  # a killed worker is replaced by the next job, never reused
                self._idle.append(worker)
        if not ok:
            raise value
        return value

    async def close(self) -> None:
        """End every worker: idle ones exit at the end of their input, busy ones (a start's too) are killed."""
        self._closed = True
        for worker in self._busy:
            worker.kill()
        if self._starting is not None:
            await self._starting  # its jobs end at once now: killed, or refused the worker they started
        workers, self._idle = [*self._idle, *self._busy], []
        await asyncio.gather(*(worker.stop() for worker in workers))


def _exit_with_crawl(lifeline: int) -> None:
    def watch() -> None:
        try:
            os.read(lifeline, 1)  # blocks until the crawl is gone
        finally:
            os._exit(0)

    threading.Thread(target=watch, name="finews-lifeline", daemon=True).start()


def preload(module: str) -> None:
    """A job for `HelperPool.start`: import the module the real jobs will name."""
    importlib.import_module(module)


@cache
def _function(name: str) -> Callable[..., Any]:
    """The job function `module:qualname`, imported by the first job that names it."""
    module, _, qualname = name.partition(":")
    function: Any = importlib.import_module(module)
    for part in qualname.split("."):
        function = getattr(function, part)
    return function


def _ring(signum: int, frame: Any) -> None:
    raise OverBudget("over its budget")


def _run(name: str, args: tuple[Any, ...], budget: float | None) -> Any:
    """The job's result, under an alarm of `budget` seconds of its own time."""
    if budget is None:
        return _function(name)(*args)
    signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        return _function(name)(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def serve(jobs: BinaryIO, answers: BinaryIO) -> None:
    """Answer jobs until the input ends: (True, result) or (False, the exception)."""
    while len(header := jobs.read(FRAME.size)) == FRAME.size:
        name, args, budget = pickle.loads(jobs.read(FRAME.unpack(header)[0]))
        try:
            answer = _pickled((True, _run(name, args, budget)))
        except Exception as exc:  # travels back to the crawl, which decides what it means
            try:
                answer = _pickled((False, exc))
            except Exception:  # an exception that does not pickle
                answer = _pickled((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        answers.write(answer)
        answers.flush()


def main() -> None:
    # Ctrl-C and a service stop signal the whole process group: the crawl decides, finishing its batches first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Run as `python -m`, this module is __main__: the alarm raises the OverBudget the crawl can unpickle.
    signal.signal(signal.SIGALRM, importlib.import_module("finews_crawler.runtime.processes")._ring)
    _exit_with_crawl(int(sys.argv[1]))
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not corrupt the answers
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
