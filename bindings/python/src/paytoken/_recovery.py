"""Recovering from unknown outcomes (issue 13): the PortOne V2 idempotency key each
mutating request carries, and NICEPAY's network cancel.

The library does the work (it decides and draws keys, resends safely, signs and sends
the network cancel); this module only gives the results Python types and marshals the
per-call options.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Any, Mapping, Optional


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


def options_json(timeout_ms: Optional[int], key: Optional[str],
                 retry_unknown_outcome: Optional[bool]) -> Optional[bytes]:
    """The per-call options of paytoken_request_ex (None: the client's defaults)."""
    options: dict = {}
    if timeout_ms is not None:
        options["timeoutMs"] = timeout_ms
    if key is not None:
        if not isinstance(key, str):
            raise TypeError(f"idempotency_key must be str, not {type(key).__name__}")
        options["idempotencyKey"] = key
    if retry_unknown_outcome is not None:
        if not isinstance(retry_unknown_outcome, bool):
            raise TypeError("retry_unknown_outcome must be a bool, not "
                            f"{type(retry_unknown_outcome).__name__}")
        options["retryUnknownOutcome"] = retry_unknown_outcome
    return json.dumps(options).encode("ascii") if options else None
