"""Payment and webhook verification (issue 25): "trust nothing the browser says".

The library does the work (the lookup through the usual authorized request path, the
verdict, the Standard Webhooks and NICEPAY signatures, constant-time comparison); this
module only gives the results Python types. Verdicts and refusals are values, not
exceptions: only bad arguments and transport errors raise.
"""

from __future__ import annotations

import dataclasses
import json
from ctypes import POINTER, byref, c_char_p, c_int32, c_size_t, c_void_p
from typing import Any, List, Mapping, Optional, Union

from . import _native

_lib = _native._lib


@dataclasses.dataclass(frozen=True)
class Reason:
    """Why a payment is not verified. ``code``: ``notFound``, ``notPaid``,
    ``cancelled``, ``partiallyCancelled``, ``amountDiffers``, ``currencyDiffers``,
    ``orderIdDiffers``; ``expected``/``actual`` for the ``...Differs`` ones."""

    code: str
    message: str
    expected: Any = None
    actual: Any = None
    cancelled_amount: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class PaymentVerdict:
    """The gateway's answer compared with what the shop expects. Fulfil only when
    ``verified``. ``status`` is normalized across gateways (``paid``, ``ready``,
    ``pending``, ``virtualAccountIssued``, ``failed``, ``cancelled``,
    ``partialCancelled``, ``expired``, ``notFound``, ``unknown``)."""

    verified: bool
    reasons: List[Reason]
    status: str
    gateway: str
    payment_id: Optional[str]
    order_id: Optional[str]
    amount: Optional[int]
    cancelled_amount: Optional[int]
    currency: Optional[str]
    http_status: int
    raw: Any

    def __bool__(self) -> bool:
        return self.verified

    @property
    def reason_codes(self) -> List[str]:
        return [r.code for r in self.reasons]

    @classmethod
    def from_json(cls, text: str) -> "PaymentVerdict":
        v = json.loads(text)
        return cls(verified=bool(v["verified"]),
                   reasons=[Reason(code=r["code"], message=r["message"], expected=r.get("expected"),
                                   actual=r.get("actual"), cancelled_amount=r.get("cancelledAmount"))
                            for r in v["reasons"]],
                   status=v["status"], gateway=v["gateway"], payment_id=v.get("paymentId"),
                   order_id=v.get("orderId"), amount=v.get("amount"),
                   cancelled_amount=v.get("cancelledAmount"), currency=v.get("currency"),
                   http_status=int(v.get("httpStatus") or 0), raw=v.get("raw"))


@dataclasses.dataclass(frozen=True)
class WebhookResult:
    """A verified event (``verified``; ``type``, ``payment_id``, ``webhook_id``...) or a
    refusal (``reason``: ``malformed``, ``badSignature``, ``tooOld``, ``tooNew``,
    ``unsigned``, ``notFound``, ``orderIdDiffers``; ``message`` says why). A gateway
    retry carries the same ``webhook_id``: deduplicate on it."""

    verified: bool
    gateway: str
    reason: Optional[str] = None
    message: Optional[str] = None
    type: Optional[str] = None
    payment_id: Optional[str] = None
    order_id: Optional[str] = None
    webhook_id: Optional[str] = None
    timestamp: Any = None
    data: Any = None

    def __bool__(self) -> bool:
        return self.verified

    @classmethod
    def from_json(cls, text: str) -> "WebhookResult":
        v = json.loads(text)
        return cls(verified=bool(v["verified"]), gateway=v["gateway"], reason=v.get("reason"),
                   message=v.get("message"), type=v.get("type"), payment_id=v.get("paymentId"),
                   order_id=v.get("orderId"), webhook_id=v.get("webhookId"),
                   timestamp=v.get("timestamp"), data=v.get("data"))


def payment_request(payment_id: Optional[str], amount: Union[int, str], currency: Optional[str],
                    order_id: Optional[str], order_date: Optional[str]) -> bytes:
    if isinstance(amount, bool) or not isinstance(amount, (int, str)):
        raise TypeError(f"amount must be an int (or a string of digits), not {type(amount).__name__}")
    request = {"paymentId": payment_id, "orderId": order_id, "orderDate": order_date,
               "amount": amount, "currency": currency}
    return json.dumps({k: v for k, v in request.items() if v is not None}).encode("utf-8")


def verify_payment(handle: Any, request_json: bytes) -> PaymentVerdict:
    out, err = c_void_p(), _native.ErrorStruct()
    status = _lib.paytoken_verify_payment(handle, request_json, byref(out), byref(err))
    return PaymentVerdict.from_json(_native._take_string(status, out, err))


def verify_webhook(body: bytes, headers: Optional[Mapping[str, Any]] = None, *,
                   secret: Optional[str] = None, client: Any = None, gateway: Optional[str] = None,
                   tolerance: Optional[float] = None, now: Optional[float] = None) -> WebhookResult:
    """Verify a webhook with its body exactly as received (``bytes``: Flask
    ``request.get_data()``, Django ``request.body``, FastAPI ``await request.body()``).

    PortOne V2: ``secret`` (``whsec_...``) and the request's ``headers``; ``client`` may be
    None. NICEPAY: ``client`` (its secret key checks the body's ``signature``). PortOne
    V1 (unsigned): ``client`` looks the payment up. ``tolerance`` (seconds, default 300)
    bounds V2's timestamp age and skew; ``now`` (unix seconds) replaces the clock in tests.
    """
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError("body must be the raw bytes received (not str or parsed JSON): "
                        "a re-encoded body no longer matches its signature")
    raw = bytes(body)
    request: dict = {"headers": {str(k): str(v) for k, v in (headers or {}).items()}}
    if gateway is not None:
        request["gateway"] = gateway
    if secret is not None:
        request["secret"] = secret
    if tolerance is not None:
        request["toleranceSecs"] = int(tolerance)
    if now is not None:
        request["nowUnixSecs"] = int(now)
    encoded = json.dumps(request).encode("utf-8")
    out, err = c_void_p(), _native.ErrorStruct()

    def call(handle: Any) -> WebhookResult:
        status = _lib.paytoken_verify_webhook(handle, encoded, raw, len(raw), byref(out),
                                                      byref(err))
        return WebhookResult.from_json(_native._take_string(status, out, err))

    if client is None:
        return call(None)
    client = getattr(client, "_client", client)  # an AsyncClient wraps a Client
    with client._borrow() as handle:
        return call(handle)


