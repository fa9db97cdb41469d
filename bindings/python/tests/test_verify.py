"""Issue 25 in Python: every verdict reason of each gateway through the simulator's
payment states, and webhook verification of the simulator's own signed webhooks with
every tampered variant refused (the same cases as tests/verify_*.rs in the core)."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
from simulator import Simulator
from webhook_receiver import WebhookReceiver

import paytoken

SECRET = "whsec_c2ltLXdlYmhvb2stc2VjcmV0LWtleS0zMmJ5dGVzISE="
GATEWAYS = ["portone-v2", "portone-v1", "nicepay"]


@pytest.fixture
def faithful() -> Iterator[Simulator]:
    simulator = Simulator()
    simulator.configure(implicitPayments=False)  # payments exist once created
    yield simulator
    simulator.stop()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    r = WebhookReceiver()
    yield r
    r.stop()


def client(sim: Simulator, gateway: str) -> Any:
    from conftest import CREDENTIALS
    factory = getattr(paytoken.Client, gateway.replace("-", "_"))
    return factory(**CREDENTIALS[gateway], base_url=sim.url)


def create(sim: Simulator, gateway: str, pid: str, **extra: Any) -> None:
    sim.admin("POST", "/__sim/payments",
              {"gateway": gateway, "id": pid, "orderId": f"order-{pid}", "amount": 1000, **extra})


def cancel(c: Any, gateway: str, pid: str, amount: Any = None) -> None:
    if gateway == "nicepay":
        c.post(f"/v1/payments/{pid}/cancel",
               json={"reason": "t", "orderId": f"order-{pid}", "cancelAmt": amount}).raise_for_status()
    elif gateway == "portone-v1":
        c.post("/payments/cancel", json={"imp_uid": pid, "amount": amount, "reason": "t"}).raise_for_status()
    else:
        c.post(f"/payments/{pid}/cancel", json={"reason": "t", "amount": amount}).raise_for_status()


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_a_paid_payment_of_the_expected_amount_is_verified(faithful: Simulator, gateway: str) -> None:
    create(faithful, gateway, "p1", currency="KRW")
    order = "p1" if gateway == "portone-v2" else "order-p1"
    with client(faithful, gateway) as c:
        verdict = c.verify_payment("p1", amount=1000, currency="KRW", order_id=order)
    assert verdict.verified and verdict, verdict
    assert (verdict.status, verdict.amount, verdict.reasons) == ("paid", 1000, [])
    assert isinstance(verdict.raw, dict)


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_every_difference_is_a_reason_with_both_values(faithful: Simulator, gateway: str) -> None:
    create(faithful, gateway, "p2", amount=900, currency="USD")
    with client(faithful, gateway) as c:
        verdict = c.verify_payment("p2", amount=1000, currency="KRW", order_id="someone-elses")
    assert not verdict
    assert verdict.reason_codes == ["amountDiffers", "currencyDiffers", "orderIdDiffers"]
    assert (verdict.reasons[0].expected, verdict.reasons[0].actual) == (1000, 900)


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_not_paid_cancelled_partly_cancelled_and_not_found(faithful: Simulator, gateway: str) -> None:
    with client(faithful, gateway) as c:
        create(faithful, gateway, "r1", status="ready")
        assert c.verify_payment("r1", amount=1000).reason_codes == ["notPaid"]
        create(faithful, gateway, "f1", status="failed")
        v = c.verify_payment("f1", amount="1000")
        assert (v.reason_codes, v.status) == (["notPaid"], "failed")
        create(faithful, gateway, "c1")
        cancel(c, gateway, "c1", 300)
        v = c.verify_payment("c1", amount=1000)
        assert (v.reason_codes, v.status, v.cancelled_amount) == (["partiallyCancelled"], "partialCancelled", 300)
        create(faithful, gateway, "c2")
        cancel(c, gateway, "c2")
        assert c.verify_payment("c2", amount=1000).reason_codes == ["cancelled"]
        v = c.verify_payment("nobody", amount=1000)
        assert (v.reason_codes, v.status) == (["notFound"], "notFound")


def test_lookup_by_order_id_and_errors_that_stay_errors(faithful: Simulator) -> None:
    # Dated on a fixed day (KST): the lookup's order_date never depends on today's date.
    create(faithful, "nicepay", "tid-7", orderId="shop-8", requestedAt="2026-11-30T10:00:00+09:00")
    with client(faithful, "nicepay") as c:
        v = c.verify_payment(order_id="shop-8", order_date="20261130", amount=1000)
        assert v.verified and v.payment_id == "tid-7"
        with pytest.raises(paytoken.InvalidArgumentError):
            c.verify_payment(order_id="shop-8", amount=1000)
        with pytest.raises(TypeError):
            c.verify_payment("tid-7", amount=1000.0)
    faithful.fault(gateway="portone-v2", endpoint="api", kind="status", status=503)
    with client(faithful, "portone-v2") as c:
        with pytest.raises(paytoken.GatewayError) as caught:
            c.verify_payment("x", amount=1)
        assert caught.value.http_status == 503


def v2_webhook(sim: Simulator, receiver: WebhookReceiver, pid: str) -> Any:
    sim.admin("POST", "/__sim/webhooks", {"gateway": "portone-v2", "url": receiver.url, "secret": SECRET})
    create(sim, "portone-v2", pid)
    return receiver.next()


def test_the_simulators_v2_webhook_is_accepted(faithful: Simulator, receiver: WebhookReceiver) -> None:
    headers, body = v2_webhook(faithful, receiver, "w1")
    event = paytoken.verify_webhook(body, headers, secret=SECRET)
    assert event.verified, event
    assert (event.type, event.payment_id, event.webhook_id) == ("Transaction.Paid", "w1", headers["webhook-id"])


def test_every_tampered_v2_variant_is_refused(faithful: Simulator, receiver: WebhookReceiver) -> None:
    headers, body = v2_webhook(faithful, receiver, "w2")
    reserialized = json.dumps(json.loads(body), indent=2).encode()
    for changed in [body.replace(b"w2", b"w3"), b"\xef\xbb\xbf" + body, body + b"\r\n", reserialized]:
        assert paytoken.verify_webhook(changed, headers, secret=SECRET).reason == "badSignature"
    assert paytoken.verify_webhook(body, headers, secret="whsec_d3Jvbmc=").reason == "badSignature"
    ts = int(headers["webhook-timestamp"])
    assert paytoken.verify_webhook(body, headers, secret=SECRET, now=ts + 301).reason == "tooOld"
    assert paytoken.verify_webhook(body, headers, secret=SECRET, now=ts - 301).reason == "tooNew"
    assert paytoken.verify_webhook(body, headers, secret=SECRET, now=ts + 301, tolerance=600).verified
    unsigned = {k: v for k, v in headers.items() if k != "webhook-signature"}
    assert paytoken.verify_webhook(body, unsigned, secret=SECRET).reason == "malformed"
    with pytest.raises(TypeError):
        paytoken.verify_webhook(body.decode(), headers, secret=SECRET)  # type: ignore[arg-type]


def test_a_replayed_id_verifies_with_the_same_id(faithful: Simulator) -> None:
    first = WebhookReceiver(lambda body, headers: (500, "down"))
    faithful.configure(webhookRetryDelaysMs=[1])
    headers, body = v2_webhook(faithful, first, "w4")
    retry_headers, retry_body = first.next()
    first.stop()
    a = paytoken.verify_webhook(body, headers, secret=SECRET)
    b = paytoken.verify_webhook(retry_body, retry_headers, secret=SECRET)
    assert a.verified and b.verified and a.webhook_id == b.webhook_id


def test_no_secret_in_any_error() -> None:
    with pytest.raises(paytoken.InvalidArgumentError) as caught:
        paytoken.verify_webhook(b"{}", {}, secret="whsec_not base64 SECRETVALUE", gateway="portone-v2")
    assert "SECRETVALUE" not in str(caught.value)


def test_nicepay_and_v1_webhooks(faithful: Simulator, receiver: WebhookReceiver) -> None:
    faithful.admin("POST", "/__sim/webhooks", {"gateway": "nicepay", "url": receiver.url})
    create(faithful, "nicepay", "tid-5")
    headers, body = receiver.next()
    with client(faithful, "nicepay") as c:
        event = paytoken.verify_webhook(body, headers, client=c)
        assert (event.verified, event.payment_id, event.order_id) == (True, "tid-5", "order-tid-5")
        forged = json.loads(body)
        forged["amount"] = 100
        assert paytoken.verify_webhook(json.dumps(forged).encode(), client=c).reason == "badSignature"
    faithful.admin("POST", "/__sim/webhooks", {"gateway": "portone-v1", "url": receiver.url})
    create(faithful, "portone-v1", "imp_000000000006")
    headers, body = receiver.next()
    with client(faithful, "portone-v1") as c:
        event = paytoken.verify_webhook(body, headers, client=c)
        assert (event.verified, event.payment_id, event.data["amount"]) == (True, "imp_000000000006", 1000)
        fake = json.dumps({"imp_uid": "imp_999999999999", "merchant_uid": "x", "status": "paid"}).encode()
        assert paytoken.verify_webhook(fake, client=c).reason == "notFound"


def test_the_asyncio_client_verifies_too(faithful: Simulator) -> None:
    import asyncio
    create(faithful, "portone-v2", "a1")

    async def main() -> Any:
        async with paytoken.AsyncClient.portone_v2(api_secret="sim_portone_v2_api_secret",
                                                   base_url=faithful.url) as c:
            return await c.verify_payment("a1", amount=1000), await c.verify_payment("a1", amount=1)

    good, bad = asyncio.run(main())
    assert good.verified and bad.reason_codes == ["amountDiffers"]
