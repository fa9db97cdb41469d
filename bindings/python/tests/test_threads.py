"""Threads: one fetch for a crowd, real parallelism (the GIL is released), safe close."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Set

import pytest
from arrivals import wait_for_api_requests

import paytoken

THREADS = 32


def _all_call_during_one_held_fetch(sim, gateway: str, calls) -> Set[str]:
    """Runs every one of `calls` (each returns a token) in its own thread while the one
    token request is held, and returns the tokens. The simulator shows the fetch held;
    each thread counts itself just before it calls: once both are seen, every call was
    made while the fetch was in flight (a thread between its count and the library's lock
    when the release lands would find the token cached: one request either way)."""
    sim.hold(gateway, "token", 1)
    started = []  # list.append is atomic

    def call(token) -> str:
        started.append(1)
        return token()

    with ThreadPoolExecutor(len(calls)) as pool:
        tokens = pool.map(call, calls)
        try:  # before the pool's exit joins the threads
            sim.wait_for(f"the token request held and {len(calls)} callers started",
                         lambda stats: stats["held"] == 1 and len(started) == len(calls))
        finally:
            sim.clear_faults()  # releases the fetch
        return set(tokens)


def test_32_threads_on_a_cold_cache_cause_one_fetch(sim, make_client):
    client = make_client("portone-v1")
    tokens = _all_call_during_one_held_fetch(sim, "portone-v1", [client.token] * THREADS)
    assert len(tokens) == 1
    assert sim.token_requests("portone-v1") == 1


def test_threads_with_their_own_clients_share_one_fetch(sim, make_client):
    clients = [make_client("nicepay") for _ in range(THREADS)]
    tokens = _all_call_during_one_held_fetch(sim, "nicepay", [c.token for c in clients])
    assert len(tokens) == 1
    assert sim.token_requests("nicepay") == 1


def test_python_keeps_running_while_a_call_waits_on_the_network(sim, make_client):
    client = make_client("portone-v2")
    sim.fault(endpoint="api", kind="hang")  # the call waits until the simulator goes away
    errors = []

    def slow_call() -> None:
        try:
            client.get("/payments/pay_slow")
        except paytoken.NetworkError as exc:
            errors.append(exc)

    slow = threading.Thread(target=slow_call)
    slow.start()
    wait_for_api_requests(sim, "portone-v2")
    total = sum(i * i for i in range(200_000))  # pure Python: needs the GIL
    for _ in range(100):
        client.stats()
    assert total > 0
    assert slow.is_alive(), "the main thread only ran after the slow call returned"
    sim.stop()  # ends the hung call
    slow.join()
    assert len(errors) == 1


def test_requests_in_threads_overlap(sim, make_client):
    client = make_client("nicepay")
    client.token()
    sim.hold("nicepay", "api", 16)
    with ThreadPoolExecutor(16) as pool:
        statuses = pool.map(lambda i: client.get(f"/v1/payments/T{i}").status, range(16))
        try:  # before the pool's exit joins the threads
            sim.wait_held(16)  # all 16 wait at the gateway at once: none waits for another
        finally:
            sim.clear_faults()
        assert list(statuses) == [200] * 16


def test_closing_while_another_thread_is_in_a_call_is_safe(sim, make_client):
    client = make_client("portone-v2")
    sim.hold("portone-v2", "api", 1)
    results = []
    slow = threading.Thread(target=lambda: results.append(client.get("/payments/pay_1").status))
    slow.start()
    try:
        sim.wait_held(1)  # the call is inside the library, waiting for its answer
        client.close()
        assert slow.is_alive(), "close() came after the call instead of during it"
        with pytest.raises(paytoken.InvalidArgumentError):
            client.get("/payments/pay_2")
    finally:
        sim.clear_faults()
        slow.join()
    assert results == [200]
