"""Recovering from unknown outcomes (issue 13): the PortOne V2 idempotency key each
mutating request carries, and NICEPAY's network cancel.

The library does the work (it draws keys, resends safely, signs and sends the network
cancel); this module only gives the results Python types and decides, before a request
is sent, which key it carries, so that an exception can name it too.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Any, Mapping, Optional, Tuple

from . import _native

HEADER = "idempotency-key"


class NetCancelOutcome(str, enum.Enum):
    """What a shop does next after :meth:`Client.nicepay_netcancel`."""

    CANCELLED = "cancelled"
    """NICEPAY accepted the network cancel (``0000``): the order is not charged."""
    NOT_NEEDED = "notNeeded"
    """Nothing was approved for that order (``2015``): nothing to undo."""
    RETRY = "retry"
    """A timeout, a network error, a 5xx or any other answer: send it again, within an
    hour of the approval."""


@dataclasses.dataclass(frozen=True)
class NetCancelResult:
    """The answer to a NICEPAY network cancel; never an exception for a transport error
    (that is ``outcome == RETRY`` with the error's message in ``result_msg``)."""

    outcome: NetCancelOutcome
    result_code: str
    result_msg: str
    http_status: int

    @property
    def must_retry(self) -> bool:
        return self.outcome is NetCancelOutcome.RETRY

    @classmethod
    def from_json(cls, text: str) -> "NetCancelResult":
        value: Mapping[str, Any] = json.loads(text)
        return cls(outcome=NetCancelOutcome(value["outcome"]),
                   result_code=str(value.get("resultCode") or ""),
                   result_msg=str(value.get("resultMsg") or ""),
                   http_status=int(value.get("httpStatus") or 0))


def key_for_call(handle: Any, method: bytes, headers: Optional[Mapping[str, str]],
                 idempotency_key: Optional[str]) -> Tuple[Optional[str], bool]:
    """The key this request will carry and whether it goes in the options (True) or is
    already in the caller's headers (False). A new key is drawn by the library only
    when the client sends one for ``method`` (PortOne V2, mutating, ``idempotency`` on).
    A key given both ways is passed both ways: the library refuses that, naming both."""
    header = next((value for name, value in (headers or {}).items()
                   if isinstance(name, str) and name.lower() == HEADER), None)
    if idempotency_key is not None:
        if not isinstance(idempotency_key, str):
            raise TypeError(f"idempotency_key must be str, not {type(idempotency_key).__name__}")
        return idempotency_key, True
    if isinstance(header, str):
        return header.strip().strip('"'), False
    return _native.idempotency_key_new(handle, method), True


def options_json(timeout_ms: Optional[int], key: Optional[str],
                 retry_unknown_outcome: Optional[bool]) -> Optional[bytes]:
    """The per-call options of paytoken_request_ex (None: the client's defaults)."""
    options: dict = {}
    if timeout_ms is not None:
        options["timeoutMs"] = timeout_ms
    if key is not None:
        options["idempotencyKey"] = key
    if retry_unknown_outcome is not None:
        if not isinstance(retry_unknown_outcome, bool):
            raise TypeError("retry_unknown_outcome must be a bool, not "
                            f"{type(retry_unknown_outcome).__name__}")
        options["retryUnknownOutcome"] = retry_unknown_outcome
    return json.dumps(options).encode("ascii") if options else None
