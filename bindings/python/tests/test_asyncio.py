"""AsyncClient: same results as Client, and the event loop never waits on the network."""

from __future__ import annotations

import asyncio
import time

import pytest
from arrivals import api_requests_arrive

import paytoken


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
    sim.configure(delayMs=200)

    async def scenario():
        client = make_async("portone-v2", auth="token")
        return await asyncio.gather(*(client.token() for _ in range(32)))

    assert len(set(asyncio.run(scenario()))) == 1
    assert sim.token_requests("portone-v2") == 1


def test_the_event_loop_keeps_running_during_a_slow_call(sim, make_async):
    sim.fault(endpoint="api", kind="delay", delayMs=3000)

    async def scenario():
        client = make_async("portone-v2")
        call = asyncio.ensure_future(client.get("/payments/pay_1"))
        # This coroutine needs the loop: it finishes while the gateway still holds the
        # call only if the call does not block the loop (counted, not timed).
        await api_requests_arrive(sim, "portone-v2", 1)
        ran_during_the_call = not call.done()
        response = await call
        return response.status, ran_during_the_call

    status, ran_during_the_call = asyncio.run(scenario())
    assert status == 200
    assert ran_during_the_call, "the loop only ran again after the call returned"


def test_errors_are_the_same_types(make_async):
    async def scenario():
        await make_async("nicepay", secret_key="wrong").token()

    with pytest.raises(paytoken.AuthError) as caught:
        asyncio.run(scenario())
    assert caught.value.gateway_code == "U104"


def test_cancelling_a_call_leaves_the_client_usable(sim, make_async):
    sim.fault(endpoint="api", kind="delay", delayMs=700, count=1)

    async def scenario():
        client = make_async("nicepay", auth="basic")
        slow = asyncio.ensure_future(client.get("/v1/payments/T_slow"))
        await api_requests_arrive(sim, "nicepay", 1)  # cancelled while the gateway holds it
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        started = time.monotonic()
        response = await client.get("/v1/payments/T_fast")
        return response.status, time.monotonic() - started

    status, elapsed = asyncio.run(scenario())
    assert status == 200 and elapsed < 0.5


def test_async_with_closes(sim):
    async def scenario():
        async with paytoken.AsyncClient.portone_v1(imp_key="k", imp_secret="s", base_url=sim.url) as client:
            assert not client.closed
        return client

    assert asyncio.run(scenario()).closed
