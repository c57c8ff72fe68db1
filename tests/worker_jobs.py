"""Jobs the worker-pool tests hand to worker processes: module-level, so a worker imports them by name."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time


def pid_and_sum(*numbers: int) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


def chatty(text: str) -> str:
    print("a stray print in a job", flush=True)
    return text


def fails(message: str) -> None:
    raise ValueError(message)


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("its lock cannot travel")
        self.lock = threading.Lock()


def fails_unpicklably() -> None:
    raise _Unpicklable()


def sleeps(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def dies() -> None:
    os._exit(70)


def interrupted() -> int:
    """What Ctrl-C does to a process group: the worker gets SIGINT too."""
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)
    return os.getpid()


def loaded(module: str) -> tuple[int, bool]:
    """(this worker's pid, whether `module` was imported before this job)."""
    return os.getpid(), module in sys.modules


def deaf(seconds: float) -> int:
    """A job that ignores its worker's alarm, as code stuck in C would."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        time.sleep(seconds)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
    return os.getpid()
