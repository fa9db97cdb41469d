"""The library's warnings reach ``logging`` at WARNING whatever the order of setup, and a
token request that times out is a ``TokenTimeoutError`` (nothing was sent to the payment
API), told apart from a payment call's timeout. Records arrive on the library's log
thread: the tests wait for the record itself (a handler sets an event), not for time."""

from __future__ import annotations

import logging
import threading

import pytest

import paytoken

LOGGER = logging.getLogger("paytoken")


class _Waiter(logging.Handler):
    """Sets ``seen`` when a WARNING record containing ``needle`` arrives."""

    def __init__(self, needle: str) -> None:
        super().__init__(logging.DEBUG)
        self.needle = needle
        self.seen = threading.Event()
        self.records: list = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if record.levelno == logging.WARNING and self.needle in record.getMessage():
            self.seen.set()


@pytest.fixture
def waiter(sim):
    # This test's warning names its simulator's origin: a late warning of another test's
    # failed fetch (on its way from the log thread) must not stand in for it.
    handler = _Waiter(f"token fetch for portone-v1 {sim.url} ")
    LOGGER.addHandler(handler)
    yield handler
    LOGGER.removeHandler(handler)
    LOGGER.setLevel(logging.NOTSET)
    paytoken.sync_log_level()


def test_a_failed_token_request_is_a_warning_with_the_default_configuration(sim, make_client, waiter):
    # Nothing configured: the logger's effective level is the root's WARNING.
    client = make_client("portone-v1")
    sim.fault(endpoint="token", kind="status", status=503)
    with pytest.raises(paytoken.GatewayError):
        client.get("/payments/imp_1")
    assert waiter.seen.wait(20), [r.getMessage() for r in waiter.records]
    assert all(r.levelno >= logging.WARNING for r in waiter.records), "routine records stay out"


def test_logging_configured_after_the_client_still_gets_the_warning(sim, make_client, waiter):
    LOGGER.setLevel(logging.ERROR)  # warnings off while the client is made
    client = make_client("portone-v1")
    LOGGER.setLevel(logging.WARNING)  # ... and on afterwards
    sim.fault(endpoint="token", kind="status", status=503)
    with pytest.raises(paytoken.GatewayError):
        client.get("/payments/imp_1")
    assert waiter.seen.wait(20), [r.getMessage() for r in waiter.records]


def test_a_token_request_timeout_is_a_token_timeout_error(sim, make_client):
    client = make_client("portone-v1", timeout=0.4)
    sim.fault(endpoint="token", kind="hang")
    with pytest.raises(paytoken.TokenTimeoutError) as caught:
        client.post("/payments/cancel", json={"imp_uid": "imp_1"})
    assert isinstance(caught.value, paytoken.PayTokenTimeoutError)
    assert isinstance(caught.value, TimeoutError)
    assert "unknown" not in str(caught.value)
    assert sim.stats()["apiRequests"]["portone-v1"] == 0, "nothing reached the payment API"


def test_a_payment_calls_timeout_is_not_a_token_timeout(sim, make_client):
    client = make_client("portone-v1", timeout=0.4)
    client.token()
    sim.fault(endpoint="api", kind="hang")
    with pytest.raises(paytoken.PayTokenTimeoutError) as caught:
        client.post("/payments/cancel", json={"imp_uid": "imp_1"})
    assert not isinstance(caught.value, paytoken.TokenTimeoutError)
    assert "unknown" in str(caught.value)


async def _token_timeout_async(sim, make_client):
    client = make_client("portone-v1", cls=paytoken.AsyncClient, timeout=0.4)
    sim.fault(endpoint="token", kind="hang")
    with pytest.raises(paytoken.TokenTimeoutError):
        await client.get("/payments/imp_1")


def test_the_async_client_raises_token_timeout_error_too(sim, make_client):
    import asyncio
    asyncio.run(_token_timeout_async(sim, make_client))
