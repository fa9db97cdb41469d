"""Threads: one fetch for a crowd, real parallelism (the GIL is released), safe close."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from arrivals import wait_for_api_requests

import paytoken

THREADS = 32



def test_32_threads_on_a_cold_cache_cause_one_fetch(sim, make_client):
    sim.configure(delayMs=200)  # a slow token endpoint: every thread arrives while it is in flight
    client = make_client("portone-v1")
    barrier = threading.Barrier(THREADS)

    def fetch(_: int) -> str:
        barrier.wait()
        return client.token()

    with ThreadPoolExecutor(THREADS) as pool:
        tokens = set(pool.map(fetch, range(THREADS)))
    assert len(tokens) == 1
    assert sim.token_requests("portone-v1") == 1


def test_threads_with_their_own_clients_share_one_fetch(sim, make_client):
    sim.configure(delayMs=200)
    clients = [make_client("nicepay") for _ in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        tokens = set(pool.map(lambda client: client.token(), clients))
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
    sim.configure(delayMs=300)
    client = make_client("nicepay")
    client.token()
    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda i: client.get(f"/v1/payments/T{i}").status, range(16)))
    assert statuses == [200] * 16
    assert time.monotonic() - started < 16 * 0.3 / 2  # serial would take 4.8 s


def test_closing_while_another_thread_is_in_a_call_is_safe(sim, make_client):
    client = make_client("portone-v2")
    sim.fault(endpoint="api", kind="delay", delayMs=2000)
    results = []
    slow = threading.Thread(target=lambda: results.append(client.get("/payments/pay_1").status))
    slow.start()
    wait_for_api_requests(sim, "portone-v2")
    client.close()
    assert slow.is_alive(), "close() came after the call instead of during it"
    with pytest.raises(paytoken.InvalidArgumentError):
        client.get("/payments/pay_2")
    slow.join()
    assert results == [200]
