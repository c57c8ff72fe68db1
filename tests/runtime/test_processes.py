"""Worker processes fed through their pipes: results, errors, budgets, deaths and endings."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from helpers import child_pids
from worker_jobs import chatty, deaf, dies, fails, fails_unpicklably, interrupted, loaded, pid_and_sum, sleeps

from finews_crawler.runtime.processes import OverBudget, WorkerDied, HelperPool, preload


def _gone(pid: int) -> bool:
    """The process has ended and been reaped (within a few seconds: the loop's child watcher reaps it)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _with_pool(size: int, body):
    async def run():
        pool = HelperPool(size)
        try:
            return await body(pool)
        finally:
            await asyncio.wait_for(pool.close(), 10)

    return asyncio.run(run())


def test_a_job_runs_in_another_process_and_its_result_comes_back():
    pid, total = _with_pool(1, lambda pool: pool.run(pid_and_sum, 1, 2, 3))
    assert total == 6 and pid != os.getpid()


def test_a_worker_is_reused_and_no_more_than_size_run_at_once():
    async def body(pool):
        return await asyncio.gather(*(pool.run(sleeps, 0.2) for _ in range(6)))

    assert len(set(_with_pool(2, body))) == 2


def test_start_boots_every_worker_running_its_job_and_the_real_jobs_reuse_them():
    async def body(pool):
        before = child_pids()
        await pool.start(preload, "cleaning_workers")
        started = child_pids() - before
        answers = await asyncio.gather(*(pool.run(loaded, "cleaning_workers") for _ in range(2)))
        return started, answers

    started, answers = _with_pool(2, body)
    assert len(started) == 2 and {pid for pid, _ in answers} == started
    assert all(imported for _, imported in answers)


@pytest.mark.parametrize("after", [0.0, 0.5])  # while its processes start, and while its jobs run
def test_closing_during_a_start_that_would_hang_ends_it_and_leaves_no_worker(after):
    async def body():
        pool = HelperPool(2)
        before = child_pids()
        pool.start(sleeps, 60)  # a start job that never ends by itself (a database that does not answer)
        await asyncio.sleep(after)
        await asyncio.wait_for(pool.close(), 10)
        return child_pids() - before

    assert asyncio.run(body()) == set()


def test_a_stray_print_does_not_corrupt_the_answer():
    assert _with_pool(1, lambda pool: pool.run(chatty, "答")) == "答"


@pytest.mark.parametrize(("job", "args", "error", "match"), [
    (fails, ("坏",), ValueError, "坏"),
    (fails_unpicklably, (), RuntimeError, "_Unpicklable: its lock cannot travel"),
    (dies, (), WorkerDied, "ended"),
])
def test_a_failed_job_raises_in_the_crawl_and_the_next_job_runs(job, args, error, match):
    async def body(pool):
        before, _ = await pool.run(pid_and_sum)
        with pytest.raises(error, match=match):
            await pool.run(job, *args)
        return before, await pool.run(pid_and_sum, 4)

    before, (after, total) = _with_pool(1, body)
    assert total == 4
    assert (after == before) is (job is not dies)  # a job's exception costs its worker nothing


def test_a_job_cancelled_midway_ends_its_worker_whose_answer_would_be_the_next_jobs():
    async def body(pool):
        first, _ = await pool.run(pid_and_sum)
        job = asyncio.ensure_future(pool.run(sleeps, 60))
        await asyncio.sleep(1)
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job
        second, total = await pool.run(pid_and_sum, 2)
        return first, second, total

    first, second, total = _with_pool(1, body)
    assert total == 2 and second != first and _gone(first)


@pytest.mark.parametrize("job, reused", [(sleeps, True), (deaf, False)], ids=["ended by its alarm", "deaf to it"])
def test_a_job_past_its_budget_is_over_budget_and_only_a_killed_worker_is_replaced(job, reused):
    """A job its worker's alarm ends leaves a worker fit for the next job; one deaf to the alarm (stuck in C code)
    has its process killed past the backstop, and the next job gets a fresh one."""
    async def body(pool):
        first, _ = await pool.run(pid_and_sum)
        started = time.monotonic()
        with pytest.raises(OverBudget):
            await pool.run(job, 60, budget=0.5)
        took = time.monotonic() - started
        second, _ = await pool.run(pid_and_sum)
        return first, second, took

    first, second, took = _with_pool(1, body)
    assert took < 5 and (first == second) is reused
    assert reused or _gone(first)


def test_a_budget_is_the_jobs_own_time_not_the_time_the_loop_took_to_collect_its_answer():
    """The loop stalls (a slow step of the crawl) while a fast job answers: that job is not over budget,
    and the worker is not killed under the next job."""
    async def body(pool):
        first, _ = await pool.run(pid_and_sum)
        job = asyncio.ensure_future(pool.run(pid_and_sum, 1, budget=0.3))
        await asyncio.sleep(0)  # the job is written to the worker
        time.sleep(2.0)  # the loop is blocked far past the budget (and its backstop) while the worker answers
        answered, total = await job
        after = await asyncio.gather(*(pool.run(pid_and_sum, 2, budget=0.3) for _ in range(3)))
        return first, answered, total, after

    first, answered, total, after = _with_pool(1, body)
    assert total == 1 and answered == first
    assert [value for _, value in after] == [2, 2, 2]


def test_a_worker_ignores_the_process_groups_ctrl_c_the_crawl_ends_it():
    async def body(pool):
        return await pool.run(interrupted), await pool.run(pid_and_sum)

    interrupted_pid, (after, _) = _with_pool(1, body)
    assert interrupted_pid == after and _gone(after)


def test_close_ends_idle_and_busy_workers():
    async def run():
        pool = HelperPool(2)
        idle, _ = await pool.run(pid_and_sum)
        busy = asyncio.ensure_future(pool.run(sleeps, 60))
        await asyncio.sleep(1)
        started = time.monotonic()
        await asyncio.wait_for(pool.close(), 10)
        with pytest.raises(WorkerDied):
            await busy
        return idle, time.monotonic() - started

    idle, took = asyncio.run(run())
    assert took < 5 and _gone(idle)
