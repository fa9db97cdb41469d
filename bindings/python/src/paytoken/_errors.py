"""The exceptions paytoken raises: one class per status code of the C ABI.

Each also derives from the builtin exception a Python programmer would reach for
(``ValueError``, ``ConnectionError``, ``TimeoutError``), so generic handlers keep working.
Messages come from the library, which guarantees they never contain a secret or token.
"""

from __future__ import annotations

import enum
from typing import Any, Dict, Optional, Tuple, Type


class Status(enum.IntEnum):
    """The status codes of the C ABI (``PAYTOKEN_OK`` .. ``PAYTOKEN_E_INTERNAL``)."""

    OK = 0
    INVALID_ARGUMENT = 1
    AUTH = 2
    GATEWAY = 3
    NETWORK = 4
    TIMEOUT = 5
    TLS = 6
    INTERNAL = 7


class PayTokenError(Exception):
    """Base of every paytoken error.

    Attributes:
        code: the C ABI status (a :class:`Status`, or a plain int for a status this
            version does not know).
        http_status: HTTP status of the gateway answer behind the error, 0 if none.
        gateway_code: the gateway's own code (``"U104"``, ``"-1"``, ``"UNAUTHORIZED"``), or "".
        message: what happened and what to check, in English.
        idempotency_key: the ``Idempotency-Key`` the failed request carried (PortOne V2
            POST/PUT/PATCH/DELETE), or None. After a timeout, send the request again with
            ``idempotency_key=`` this key (within 3 hours): the gateway answers the first
            outcome instead of acting twice.
    """

    idempotency_key: Optional[str] = None

    status = Status.INTERNAL  # overridden by each subclass

    def __init__(self, message: str, code: int | None = None, http_status: int = 0,
                 gateway_code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code: int = _as_status(self.status if code is None else code)
        self.http_status = http_status
        self.gateway_code = gateway_code

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(code={int(self.code)}, http_status={self.http_status}, "
                f"gateway_code={self.gateway_code!r}, message={self.message!r})")

    # Exceptions cross process boundaries (multiprocessing pickles a worker's error);
    # the default reduce would lose the keyword attributes.
    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.message, int(self.code), self.http_status, self.gateway_code),
                {"idempotency_key": self.idempotency_key})


class InvalidArgumentError(PayTokenError, ValueError):
    """Bad input: malformed or unknown config, bad method/path/headers, a closed client,
    or a token asked of a scheme that uses none."""

    status = Status.INVALID_ARGUMENT


class UnknownOptionError(InvalidArgumentError, TypeError):
    """An option nobody defined (a misspelled keyword): the message names it, a close
    match and every option accepted there. Also a ``TypeError``, as Python raises for an
    unexpected keyword argument."""


class AuthError(PayTokenError):
    """The gateway refused the credentials, or a request still got 401 after one retry
    with a fresh token. Check the keys, and sandbox vs production."""

    status = Status.AUTH


class GatewayError(PayTokenError):
    """The gateway answered, but not usefully (5xx or an error code from the token
    endpoint, an undecodable or oversized body, a token expired on arrival)."""

    status = Status.GATEWAY


class HTTPStatusError(GatewayError):
    """Raised by :meth:`Response.raise_for_status` for a 4xx or 5xx answer; ``response``
    is that answer, ``http_status`` its status and ``gateway_code`` the gateway's code."""

    def __init__(self, message: str, code: int | None = None, http_status: int = 0,
                 gateway_code: str = "", response: Any = None) -> None:
        super().__init__(message, code, http_status, gateway_code)
        self.response = response


class ResponseJSONError(GatewayError, ValueError):
    """Raised by :meth:`Response.json` when the body is not JSON (also a ``ValueError``,
    as ``json.loads`` would raise); the message has the status and a short excerpt."""


class NetworkError(PayTokenError, ConnectionError):
    """DNS failure, connection refused, or the connection closed before a full answer.
    For a payment request that may have reached the gateway, reconcile before retrying."""

    status = Status.NETWORK


class PayTokenTimeoutError(PayTokenError, TimeoutError):
    """A connect or read deadline passed.

    For a business request (approve, cancel, ...) the outcome at the gateway is
    **unknown**: the payment may or may not have happened. Reconcile (NICEPAY network
    cancel, PortOne ``Idempotency-Key``) instead of blindly retrying.
    """

    status = Status.TIMEOUT


class TokenTimeoutError(PayTokenTimeoutError):
    """The token request timed out (or the call's ``timeout`` ran out while getting its
    token): nothing was sent to the payment API, so the outcome is known — not
    processed — and the call can simply be made again."""


PayTokenTimeout = PayTokenTimeoutError
"""Deprecated alias of :class:`PayTokenTimeoutError` (its name in 0.1)."""


class TlsError(PayTokenError, ConnectionError):
    """The TLS handshake or the certificate verification failed."""

    status = Status.TLS


class InternalError(PayTokenError):
    """A bug in paytoken (a panic caught at the C boundary). Please report it."""

    status = Status.INTERNAL


_BY_STATUS: Dict[int, Type[PayTokenError]] = {
    cls.status: cls
    for cls in (InvalidArgumentError, AuthError, GatewayError, NetworkError, PayTokenTimeoutError,
                TlsError, InternalError)
}


def _as_status(code: int) -> int:
    try:
        return Status(code)
    except ValueError:
        return int(code)


def error_for(code: int, message: str, http_status: int = 0, gateway_code: str = "",
              token_phase: bool = False) -> PayTokenError:
    """The exception for a status code returned by the library; ``token_phase``:
    ``paytoken_error_phase`` said the call failed while getting its token."""
    cls = TokenTimeoutError if token_phase and code == Status.TIMEOUT else _BY_STATUS.get(
        code, PayTokenError)
    return cls(message, code, http_status, gateway_code)
