"""AsyncClient on the library's own I/O threads: futures completed from the loop's
completion queue (no executor thread per call, no library thread entering Python), a warm token() without leaving the loop's thread, every
call settled exactly once, and no leak over 10,000 requests."""

from __future__ import annotations

import asyncio
import ctypes
import gc
import threading
import time

import pytest
from arrivals import api_requests_arrive

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
    sim.configure(delayMs=1000)

    async def scenario():
        client = make_async("portone-v2")
        python_threads = threading.active_count()
        tasks = [asyncio.ensure_future(client.get(f"/payments/pay_{i}")) for i in range(300)]
        # One turn of the loop runs each task up to its first wait: every call is started
        # by then (an event), long before the simulator answers the first.
        await asyncio.sleep(0)
        in_flight = _native_async.in_flight()
        threads_during = threading.active_count()
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


def test_10000_async_requests_do_not_leak(make_async):
    # Not RSS: glibc keeps freed memory in per-thread arenas (the I/O threads' included),
    # so RSS moved by 10+ MB on loaded machines with nothing leaked. The library counts its
    # own live bytes, which move only with its blocks; Python's objects after a collection
    # move only with what is still reachable.
    async def scenario():
        client = make_async("nicepay", auth="basic")
        body = b"x" * 4096  # echoed back: a leaked response costs ~4 KB or more

        async def batch(n):
            for _ in range(n // 500):
                await asyncio.gather(*(client.post("/v1/payments/T1", data=body,
                                                   headers={"Content-Type": "text/plain"})
                                       for _ in range(500)))

        await batch(1000)  # warm up threads, connections and the pool
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
    sim.configure(delayMs=1000)

    async def start_and_leave():
        client = make_async("portone-v2")
        asyncio.ensure_future(client.get("/payments/abandoned"))
        await api_requests_arrive(sim, "portone-v2", 1)
        return client

    client = asyncio.run(start_and_leave())  # the loop closes with the call in flight
    assert _native_async.in_flight() == 0, "a closed loop's calls can never be awaited"
    # The library ends the call and frees its late result (its loop's queue is released).
    deadline = time.monotonic() + 10
    while client.stats().async_running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.stats().async_running == 0, "the late call did not end"


def test_a_forked_child_has_none_of_the_parents_calls(sim, make_async):
    import os

    sim.configure(delayMs=400)
    client = make_async("portone-v2")

    async def start_and_fork():
        tasks = [asyncio.ensure_future(client.get(f"/payments/pay_fork_{i}")) for i in range(5)]
        await api_requests_arrive(sim, "portone-v2", 5)  # the calls are in flight on library threads
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                # The parent's calls are not the child's: nothing waits for them here...
                if _native_async.in_flight() == 0:
                    # ...and the child's own calls run on its own new I/O threads.
                    response = asyncio.new_event_loop().run_until_complete(client.get("/payments/pay_child"))
                    code = 0 if response.status == 200 else 2
            finally:
                os._exit(code)
        responses = await asyncio.gather(*tasks)
        return pid, [r.status for r in responses]

    pid, statuses = asyncio.run(start_and_fork())
    assert statuses == [200] * 5, "the parent's calls complete in the parent"
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
