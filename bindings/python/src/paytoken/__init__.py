"""paytoken: cached access tokens and authorized requests for Korean payment gateways
(NICEPAY, PortOne V1 "iamport", PortOne V2), over the native ``libpaytoken``.

    >>> import paytoken
    >>> client = paytoken.Client.nicepay(client_key="...", secret_key="...", sandbox=True)
    >>> client.get("/v1/payments/T123").json()

The token is fetched once and shared by every client, thread and (after ``fork``)
child process using the same credentials.
"""

from __future__ import annotations

from ._aio import AsyncClient
from ._api import Stats
from ._client import Client
from ._errors import (
    AuthError,
    GatewayError,
    HTTPStatusError,
    InternalError,
    InvalidArgumentError,
    NetworkError,
    PayTokenError,
    PayTokenTimeout,
    PayTokenTimeoutError,
    ResponseJSONError,
    Status,
    TlsError,
    TokenTimeoutError,
    UnknownOptionError,
)
from ._log import sync_level as sync_log_level
from ._native import config_schema, library_path
from ._native import version as library_version
from ._recovery import NetCancelOutcome, NetCancelResult
from ._response import Headers, Response
from ._verify import PaymentVerdict, Reason, WebhookResult, verify_webhook

__version__ = "0.1.0"

__all__ = [
    "AsyncClient",
    "AuthError",
    "Client",
    "GatewayError",
    "HTTPStatusError",
    "Headers",
    "InternalError",
    "InvalidArgumentError",
    "NetCancelOutcome",
    "NetCancelResult",
    "NetworkError",
    "PaymentVerdict",
    "Reason",
    "WebhookResult",
    "verify_webhook",
    "PayTokenError",
    "PayTokenTimeout",
    "PayTokenTimeoutError",
    "Response",
    "ResponseJSONError",
    "Stats",
    "Status",
    "TlsError",
    "TokenTimeoutError",
    "UnknownOptionError",
    "config_schema",
    "library_path",
    "library_version",
    "sync_log_level",
]
