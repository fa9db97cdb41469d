"""AsyncClient: same results as Client, and the event loop never waits on the network."""

from __future__ import annotations

import asyncio
import threading

import pytest
from arrivals import api_requests_arrive, requests_held, sim_shows
from simulator import WAIT_LIMIT_SECS

import paytoken
from paytoken import _native_async


@pytest.fixture
def make_async(make_client):
    return lambda gateway, **options: make_client(gateway, cls=paytoken.AsyncClient, **options)


def test_token_and_request(sim, make_async):
    async def scenario():
        client = make_async("nicepay")
        token = await client.token()
        assert await client.token() == token
        response = await client.post("/v1/payments/T1", json={"amount": 1000})
        assert response.json()["resultCode"] == "0000"
        return client.stats()

    stats = asyncio.run(scenario())
    assert (stats.token_fetches, stats.cache_hits) == (1, 2)  # the second token(), the post
    assert sim.last_request()["headers"]["authorization"].startswith("Bearer ")


def test_32_concurrent_tasks_cause_one_fetch(sim, make_async):
    sim.hold("portone-v2", "token", 1)

    async def scenario():
        client = make_async("portone-v2", auth="token")
        calls = asyncio.gather(*(client.token() for _ in range(32)))
        try:
            # Every call is handed to the library while the one token request is held.
            await sim_shows(sim, "the token request held and 32 calls started",
                            lambda stats: stats["held"] == 1 and _native_async.in_flight() == 32)
        finally:
            sim.clear_faults()
        return await calls

    assert len(set(asyncio.run(scenario()))) == 1
    assert sim.token_requests("portone-v2") == 1


def test_the_event_loop_keeps_running_during_a_slow_call(sim, make_async):
    sim.hold("portone-v2", "api", 1)
    looked = threading.Event()

    def release_once_looked() -> None:
        # After the bound, release anyway: a call that blocks the loop then returns, and
        # the test fails on what it saw instead of hanging.
        looked.wait(WAIT_LIMIT_SECS)
        sim.clear_faults()

    releaser = threading.Thread(target=release_once_looked)
    releaser.start()

    async def scenario():
        client = make_async("portone-v2")
        call = asyncio.ensure_future(client.get("/payments/pay_1"))
        try:
            # This coroutine needs the loop: it sees the request arrive while the
            # gateway holds it only if the call does not block the loop.
            await api_requests_arrive(sim, "portone-v2", 1)
            ran_during_the_call = not call.done()
        finally:
            looked.set()
        response = await call
        return response.status, ran_during_the_call

    try:
        status, ran_during_the_call = asyncio.run(scenario())
    finally:
        looked.set()
        releaser.join()
    assert status == 200
    assert ran_during_the_call, "the loop only ran again after the call returned"


def test_errors_are_the_same_types(make_async):
    async def scenario():
        await make_async("nicepay", secret_key="wrong").token()

    with pytest.raises(paytoken.AuthError) as caught:
        asyncio.run(scenario())
    assert caught.value.gateway_code == "U104"


def test_cancelling_a_call_leaves_the_client_usable(sim, make_async):
    sim.hold("nicepay", "api", 1)

    async def scenario():
        client = make_async("nicepay", auth="basic")
        slow = asyncio.ensure_future(client.get("/v1/payments/T_slow"))
        await requests_held(sim, 1)  # cancelled while the gateway holds it
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        # The next call is answered while the cancelled one is still held: it waits for
        # nothing of it (the bound only turns waiting into a failure).
        response = await asyncio.wait_for(client.get("/v1/payments/T_fast"), WAIT_LIMIT_SECS)
        return response.status, sim.stats()["held"]

    try:
        status, held = asyncio.run(scenario())
    finally:
        sim.clear_faults()
    assert (status, held) == (200, 1)


def test_async_with_closes(sim):
    async def scenario():
        async with paytoken.AsyncClient.portone_v1(imp_key="k", imp_secret="s", base_url=sim.url) as client:
            assert not client.closed
        return client

    assert asyncio.run(scenario()).closed
