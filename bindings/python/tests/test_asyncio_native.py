"""AsyncClient on the library's own I/O threads: futures completed from the loop's
completion queue (no executor thread per call, no library thread entering Python), a warm token() without leaving the loop's thread, every
call settled exactly once, and no leak over 10,000 requests."""

from __future__ import annotations

import asyncio
import ctypes
import gc
import os
import threading
import time

import pytest
from arrivals import requests_held
from simulator import WAIT_LIMIT_SECS

import paytoken
from paytoken import _native_async


@pytest.fixture
def make_async(make_client):
    return lambda gateway, **options: make_client(gateway, cls=paytoken.AsyncClient, **options)


def test_a_warm_token_completes_without_suspending(make_async):
    async def scenario():
        client = make_async("portone-v1")
        token = await client.token()  # cold: a library call
        coroutine = client.token()
        with pytest.raises(StopIteration) as done:
            coroutine.send(None)  # a coroutine that never waits finishes on its first step
        return token, done.value.value

    cold, warm = asyncio.run(scenario())
    assert warm == cold


def test_300_calls_in_flight_without_executor_threads(sim, make_async):
    sim.hold("portone-v2", "api", 0)  # none is answered until the faults are cleared

    async def scenario():
        client = make_async("portone-v2")
        python_threads = threading.active_count()
        tasks = [asyncio.ensure_future(client.get(f"/payments/pay_{i}")) for i in range(300)]
        try:
            # One turn of the loop runs each task up to its first wait: every call is
            # started by then (an event), and none can have been answered.
            await asyncio.sleep(0)
            in_flight = _native_async.in_flight()
            threads_during = threading.active_count()
        finally:
            sim.clear_faults()
        responses = await asyncio.gather(*tasks)
        return python_threads, threads_during, in_flight, responses

    before, during, in_flight, responses = asyncio.run(scenario())
    assert [r.status for r in responses] == [200] * 300
    assert in_flight == 300, "all 300 were started at once (none waits for a Python thread)"
    assert during - before <= 2, f"{during - before} Python threads appeared for 300 calls"
    assert _native_async.in_flight() == 0


def test_errors_settle_once_with_typed_exceptions(sim, make_async):
    sim.fault(gateway="portone-v1", endpoint="api", kind="hang", count=3)

    async def scenario():
        client = make_async("portone-v1", timeout=0.8)
        wrong = make_async("portone-v1", imp_secret="wrong")
        await client.token()
        return await asyncio.gather(
            client.request("TRACE", "/payments/x"),
            wrong.get("/payments/x"),
            wrong.token(),
            *(client.get(f"/payments/hang_{i}") for i in range(3)),
            return_exceptions=True,
        )

    outcomes = asyncio.run(scenario())
    assert isinstance(outcomes[0], paytoken.InvalidArgumentError)
    assert isinstance(outcomes[1], paytoken.AuthError)
    assert isinstance(outcomes[2], paytoken.AuthError)
    assert all(isinstance(o, paytoken.PayTokenTimeout) for o in outcomes[3:]), outcomes
    assert _native_async.in_flight() == 0


def _library_heap_bytes() -> int:
    """Bytes libpaytoken's own code holds on the heap (exact with no call running)."""
    heap_in_use = ctypes.CDLL(paytoken._native._lib._name).paytoken_heap_in_use
    heap_in_use.restype, heap_in_use.argtypes = ctypes.c_uint64, []
    return int(heap_in_use())


def _python_objects() -> int:
    gc.collect()
    return len(gc.get_objects())


def test_10000_async_requests_do_not_leak(sim, make_async):
    # Not RSS: glibc keeps freed memory in per-thread arenas (the I/O threads' included),
    # so RSS moved by 10+ MB on loaded machines with nothing leaked. The library counts its
    # own live bytes, which move only with its blocks; Python's objects after a collection
    # move only with what is still reachable.
    async def scenario():
        client = make_async("nicepay", auth="basic")
        body = b"x" * 4096  # echoed back: a leaked response costs ~4 KB or more

        def post():
            return client.post("/v1/payments/T1", data=body, headers={"Content-Type": "text/plain"})

        async def batch(n):
            for _ in range(n // 500):
                await asyncio.gather(*(post() for _ in range(500)))

        # Warm up threads, connections and the pool. Every call running at once has its
        # own I/O thread (up to maxInFlight, 256), and a thread holds ~35 KB of the
        # library's heap while it lives: hold calls until 256 run, so that the batches
        # below find every thread they can use already started. (A warm-up that happened
        # to run fewer at once, as on a loaded machine, let the pool grow while the heap
        # was counted: 7 MB for ~200 threads, with nothing leaked.)
        sim.hold("nicepay", "api", 256)
        warm_up = asyncio.gather(*(post() for _ in range(500)))
        try:
            await requests_held(sim, 256)
        finally:
            sim.clear_faults()
        await warm_up
        await batch(1000)
        assert _native_async.in_flight() == 0
        heap, objects = _library_heap_bytes(), _python_objects()
        await batch(10_000)
        assert _native_async.in_flight() == 0
        return _library_heap_bytes() - heap, _python_objects() - objects

    heap_grown, objects_grown = asyncio.run(scenario())
    # A response leaked per call is 40+ MB in the library or 10,000+ objects in Python.
    assert heap_grown < 4 << 20, f"the library's heap grew by {heap_grown} bytes over 10,000 requests"
    assert objects_grown < 1000, f"{objects_grown} more Python objects after 10,000 requests"


def test_a_closed_loop_does_not_break_late_completions(sim, make_async):
    sim.hold("portone-v2", "api", 1)

    async def start_and_leave():
        client = make_async("portone-v2")
        asyncio.ensure_future(client.get("/payments/abandoned"))
        await requests_held(sim, 1)
        return client

    try:
        client = asyncio.run(start_and_leave())  # the loop closes with the call held
        assert _native_async.in_flight() == 0, "a closed loop's calls can never be awaited"
        assert sim.stats()["held"] == 1, "the loop closed while the call was in flight"
    finally:
        sim.clear_faults()
    # The library ends the call and frees its late result (its loop's queue is released).
    deadline = time.monotonic() + WAIT_LIMIT_SECS
    while client.stats().async_running and time.monotonic() < deadline:
        time.sleep(0.005)  # polling interval only
    assert client.stats().async_running == 0, "the late call did not end"


def _in_forked_child_without_the_parents_calls(client) -> None:
    """The child's side: exits 0 when none of the parent's calls is the child's and its
    own call is answered (on its own new I/O threads)."""
    code = 1
    try:
        if _native_async.in_flight() == 0:  # nothing here waits for the parent's calls
            call = asyncio.wait_for(client.get("/payments/pay_child"), WAIT_LIMIT_SECS)
            response = asyncio.new_event_loop().run_until_complete(call)
            code = 0 if response.status == 200 else 2
    finally:
        os._exit(code)


def test_a_forked_child_has_none_of_the_parents_calls(sim, make_async):
    sim.hold("portone-v2", "api", 5)  # the parent's five; the child's own call is not held
    client = make_async("portone-v2")

    async def start_and_fork():
        tasks = [asyncio.ensure_future(client.get(f"/payments/pay_fork_{i}")) for i in range(5)]
        try:
            await requests_held(sim, 5)  # the calls are in flight on library threads
            pid = os.fork()
            if pid == 0:
                _in_forked_child_without_the_parents_calls(client)
            # The child is done while the parent's calls are still held: it never
            # waited for them (the loop may block here: they cannot complete anyway).
            _, status = os.waitpid(pid, 0)
            released = sim.release()
        finally:
            sim.clear_faults()
        responses = await asyncio.gather(*tasks)
        return status, released, [r.status for r in responses]

    status, released, statuses = asyncio.run(start_and_fork())
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert released == 5, "the child ran while the parent's calls were in flight"
    assert statuses == [200] * 5, "the parent's calls complete in the parent"
