"""Unknown outcomes made safe (issue 13), end to end against the simulator in its
faithful mode: payments exist only once created through its admin API."""

from __future__ import annotations

import asyncio
import hashlib
import pickle

import pytest
from simulator import NICEPAY

import paytoken
from paytoken import NetCancelOutcome


@pytest.fixture
def faithful(sim):
    sim.configure(implicitPayments=False)
    return sim


def _create(sim, **payment):
    sim.admin("POST", "/__sim/payments", payment)


def _processed(sim, gateway):
    return sim.stats()["processed"][gateway]


def test_a_v2_post_carries_a_fresh_key_that_the_response_names(faithful, make_client):
    _create(faithful, gateway="portone-v2", id="pay-key", amount=5000)
    client = make_client("portone-v2")
    first = client.post("/payments/pay-key/cancel", json={"reason": "r", "amount": 100})
    second = client.post("/payments/pay-key/cancel", json={"reason": "r", "amount": 100})
    assert first.status == second.status == 200
    assert len(first.idempotency_key) == 32 and first.idempotency_key != second.idempotency_key
    assert faithful.last_request()["headers"]["idempotency-key"] == f'"{second.idempotency_key}"'
    assert client.get("/payments/pay-key").idempotency_key is None
    assert _processed(faithful, "portone-v2") == 2


def test_a_callers_key_is_used_and_two_keys_at_once_are_refused(faithful, make_client):
    _create(faithful, gateway="portone-v2", id="pay-own", amount=5000)
    client = make_client("portone-v2")
    own = "order-1234-cancel-0001"
    answer = client.post("/payments/pay-own/cancel", json={"reason": "r"}, idempotency_key=own)
    assert answer.idempotency_key == own
    header = client.post("/payments/pay-own/cancel", json={"reason": "r"},
                         headers={"Idempotency-Key": f'"{own}"'})
    assert header.content == answer.content, "the same key replays the first answer"
    assert faithful.stats()["idempotentReplays"] == 1
    with pytest.raises(paytoken.InvalidArgumentError):
        client.post("/payments/pay-own/cancel", json={"reason": "r"}, idempotency_key=own,
                    headers={"Idempotency-Key": f'"{own}"'})
    with pytest.raises(paytoken.InvalidArgumentError, match="idempotencyKey"):
        client.post("/payments/pay-own/cancel", json={"reason": "r"}, idempotency_key="short")


def test_a_v2_cancel_with_an_unquoted_idempotency_key_header_succeeds(faithful, make_client):
    # The README's cancel with the shop's own key: the header is sent as the RFC 8941
    # string the gateway requires, and the key the response names is the one sent.
    _create(faithful, gateway="portone-v2", id="pay-hdr", amount=5000)
    for cls in (paytoken.Client, paytoken.AsyncClient):
        client = make_client("portone-v2", cls=cls)
        call = client.post("/payments/pay-hdr/cancel", json={"reason": "r", "amount": 100},
                           headers={"Idempotency-Key": "cancel-order-0042"})
        answer = asyncio.run(call) if cls is paytoken.AsyncClient else call
        assert answer.status == 200, answer.text
        assert answer.idempotency_key == "cancel-order-0042"
        assert faithful.last_request()["headers"]["idempotency-key"] == '"cancel-order-0042"'
    with pytest.raises(paytoken.InvalidArgumentError, match="RFC 8941"):
        make_client("portone-v2").post("/payments/pay-hdr/cancel", json={"reason": "r"},
                                       headers={"Idempotency-Key": 'a"b'})


def test_nicepay_and_v1_requests_carry_no_key(faithful, make_client):
    for gateway, path in (("nicepay", "/v1/payments/no-such-tid/cancel"),
                          ("portone-v1", "/payments/cancel")):
        answer = make_client(gateway).post(path, json={"reason": "r"})
        assert answer.idempotency_key is None
        assert "idempotency-key" not in faithful.last_request()["headers"]


def test_a_v2_cancel_that_timed_out_is_retried_with_the_same_key(faithful, make_client):
    _create(faithful, gateway="portone-v2", id="pay-1", amount=5000)
    faithful.fault(gateway="portone-v2", endpoint="api", kind="process-then-hang")
    client = make_client("portone-v2")
    with pytest.raises(paytoken.PayTokenTimeout) as lost:
        client.post("/payments/pay-1/cancel", json={"reason": "r", "amount": 1000}, timeout=0.5)
    key = lost.value.idempotency_key
    assert key and len(key) == 32
    assert pickle.loads(pickle.dumps(lost.value)).idempotency_key == key
    assert _processed(faithful, "portone-v2") == 1, "the gateway acted on it"

    again = client.post("/payments/pay-1/cancel", json={"reason": "r", "amount": 1000},
                        idempotency_key=key)
    assert again.status == 200 and again.idempotency_key == key
    assert again.json()["cancellation"]["totalAmount"] == 1000
    assert _processed(faithful, "portone-v2") == 1, "processed once"
    assert faithful.stats()["idempotentReplays"] == 1
    payment = client.get("/payments/pay-1").json()
    assert payment["amount"]["cancelled"] == 1000


def test_retry_unknown_outcome_resends_a_lost_answer_by_itself(faithful, make_client):
    _create(faithful, gateway="portone-v2", id="pay-2", amount=5000)
    faithful.fault(gateway="portone-v2", endpoint="api", kind="process-then-close")
    client = make_client("portone-v2", retry_unknown_outcome=True)
    answer = client.post("/payments/pay-2/cancel", json={"reason": "r", "amount": 700}, timeout=10)
    assert answer.status == 200 and answer.json()["cancellation"]["totalAmount"] == 700
    assert _processed(faithful, "portone-v2") == 1
    assert client.stats().unknown_outcome_retries == 1
    # Off for this call: the lost answer is the caller's to handle.
    faithful.fault(gateway="portone-v2", endpoint="api", kind="process-then-close")
    with pytest.raises(paytoken.NetworkError) as lost:
        client.post("/payments/pay-2/cancel", json={"reason": "r", "amount": 700},
                    retry_unknown_outcome=False)
    assert lost.value.idempotency_key


def test_the_async_client_names_the_key_and_retries(faithful, make_client):
    _create(faithful, gateway="portone-v2", id="pay-3", amount=5000)
    faithful.fault(gateway="portone-v2", endpoint="api", kind="process-then-hang")
    client = make_client("portone-v2", cls=paytoken.AsyncClient)

    async def scenario():
        with pytest.raises(paytoken.PayTokenTimeout) as lost:
            await client.post("/payments/pay-3/cancel", json={"reason": "r"}, timeout=0.5)
        again = await client.post("/payments/pay-3/cancel", json={"reason": "r"},
                                  idempotency_key=lost.value.idempotency_key)
        assert again.status == 200 and again.idempotency_key == lost.value.idempotency_key

    asyncio.run(scenario())
    assert _processed(faithful, "portone-v2") == 1


def test_a_nicepay_approval_that_timed_out_is_network_cancelled(faithful, make_client):
    _create(faithful, gateway="nicepay", id="tid-9", orderId="order-9", amount=7000,
            status="ready")
    faithful.fault(gateway="nicepay", endpoint="api", kind="process-then-hang")
    client = make_client("nicepay")
    with pytest.raises(paytoken.PayTokenTimeout) as lost:
        client.post("/v1/payments/tid-9", json={"amount": 7000}, timeout=0.5)
    assert lost.value.idempotency_key is None
    assert _processed(faithful, "nicepay") == 1, "yet the gateway approved it"

    result = client.nicepay_netcancel("order-9")
    assert (result.outcome, result.result_code, result.http_status) == (
        NetCancelOutcome.CANCELLED, "0000", 200)
    assert client.get("/v1/payments/tid-9").json()["status"] == "cancelled"
    again = client.nicepay_netcancel("order-9")
    assert (again.outcome, again.result_code) == (NetCancelOutcome.NOT_NEEDED, "2015")


def test_a_netcancel_that_cannot_get_through_says_retry(faithful, make_client):
    client = make_client("nicepay")
    client.token()
    faithful.fault(gateway="nicepay", endpoint="api", kind="status", status=503)
    busy = client.nicepay_netcancel("order-1")
    assert busy.outcome is NetCancelOutcome.RETRY and busy.must_retry and busy.http_status == 503
    faithful.fault(gateway="nicepay", endpoint="api", kind="hang")
    hung = client.nicepay_netcancel("order-1", timeout=0.3)
    assert hung.outcome is NetCancelOutcome.RETRY and hung.http_status == 0 and hung.result_msg


def test_the_async_netcancel(faithful, make_client):
    client = make_client("nicepay", cls=paytoken.AsyncClient)
    result = asyncio.run(client.nicepay_netcancel("no-such-order"))
    assert result.outcome is NetCancelOutcome.NOT_NEEDED


def test_nicepay_sign_keeps_the_secret_inside(make_client):
    client = make_client("nicepay")
    expected = hashlib.sha256(("order-9" + "2026-11-29T13:00:00.000+09:00"
                               + NICEPAY["secret_key"]).encode()).hexdigest()
    assert client.nicepay_sign("order-9", "2026-11-29T13:00:00.000+09:00") == expected
    with pytest.raises(paytoken.InvalidArgumentError):
        make_client("portone-v2").nicepay_sign("x")
    with pytest.raises(paytoken.InvalidArgumentError):
        client.nicepay_netcancel("")


def test_retry_unknown_outcome_resends_after_a_timeout_within_the_deadline(faithful, make_client):
    _create(faithful, gateway="portone-v2", id="pay-5", amount=5000)
    faithful.fault(gateway="portone-v2", endpoint="api", kind="process-then-hang")
    client = make_client("portone-v2")
    answer = client.post("/payments/pay-5/cancel", json={"reason": "r", "amount": 300}, timeout=4,
                         retry_unknown_outcome=True)
    assert answer.status == 200 and answer.json()["cancellation"]["totalAmount"] == 300
    assert _processed(faithful, "portone-v2") == 1, "processed once"
    assert faithful.stats()["idempotentReplays"] == 1, "the resend got the first answer"
    assert client.stats().unknown_outcome_retries == 1
