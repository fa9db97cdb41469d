"""Processes: a forked child keeps the parent's token; multiprocessing workers work."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading

import pytest
import workers

import paytoken

# Forking a process that has threads is what these tests are about.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")


def _in_child(check) -> int:
    """Run ``check`` in a forked child; return the child's exit status (0 = passed)."""
    pid = os.fork()
    if pid == 0:
        try:
            check()
            os._exit(0)
        except BaseException:  # noqa: B036 - the child must never return into pytest
            import traceback
            traceback.print_exc()
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status


def test_a_forked_child_reuses_the_cached_token(sim, make_client):
    client = make_client("nicepay")
    token = client.token()

    def check() -> None:
        assert client.token() == token
        assert client.get("/v1/payments/T1").status == 200
        assert sim.token_requests("nicepay") == 1

    assert _in_child(check) == 0
    assert client.get("/v1/payments/T2").status == 200  # the parent is unaffected


def test_fork_while_another_thread_is_in_a_call(sim, make_client):
    client = make_client("portone-v1")
    client.token()
    sim.hold("portone-v1", "api", 1)  # the child's own request is not held
    busy = threading.Thread(target=client.get, args=("/payments/imp_slow",))
    busy.start()

    def check() -> None:
        assert client.get("/payments/imp_1").json()["code"] == 0

    try:
        # Fork while that thread's request is held: it is inside the library.
        sim.wait_held(1)
        assert _in_child(check) == 0
        assert sim.release() == 1, "the fork happened while the call was in flight"
    finally:
        sim.clear_faults()
        busy.join()


def test_async_client_works_in_a_forked_child(sim, make_client):
    client = make_client("portone-v2", cls=paytoken.AsyncClient, auth="token")
    token = asyncio.run(client.token())  # the parent's executor threads now exist

    def check() -> None:  # they do not in the child: it must start its own
        assert asyncio.run(asyncio.wait_for(client.token(), 10)) == token

    assert _in_child(check) == 0


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_multiprocessing_workers(sim, method):
    context = multiprocessing.get_context(method)
    with context.Pool(3, initializer=workers.init_nicepay, initargs=(sim.url,)) as pool:
        results = pool.map(workers.token_and_status, [f"T{i}" for i in range(12)])
    tokens = {token for token, _ in results}
    assert len(tokens) == 1  # NICEPAY keeps one token until it expires
    assert {status for _, status in results} == {200}
    assert 1 <= sim.token_requests("nicepay") <= 3  # at most one fetch per worker


def test_inherited_cache_means_no_fetch_in_fork_workers(sim, make_client):
    token = make_client("nicepay").token()
    context = multiprocessing.get_context("fork")
    with context.Pool(2, initializer=workers.init_nicepay, initargs=(sim.url,)) as pool:
        results = pool.map(workers.token_and_status, ["T1", "T2", "T3", "T4"])
    assert {t for t, _ in results} == {token}
    assert sim.token_requests("nicepay") == 1


def test_errors_cross_process_boundaries_intact(sim):
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        with pytest.raises(paytoken.AuthError) as caught:
            pool.apply(workers.token_with_wrong_secret, (sim.url,))
    assert (caught.value.http_status, caught.value.gateway_code) == (401, "U104")
