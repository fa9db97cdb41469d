"""What :class:`Client` and :class:`AsyncClient` share: the gateway factories, the HTTP
verb shortcuts and the stats record. ``R`` is what ``request`` returns: a ``Response``,
or an awaitable of one."""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any, Dict, Generic, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union

from . import _config

R = TypeVar("R")
_Self = TypeVar("_Self", bound="ApiBase[Any]")

Params = Union[Mapping[str, Any], Sequence[Tuple[str, Any]], str]
Body = Union[bytes, bytearray, memoryview, str, Mapping[str, Any]]


# The library's stats key -> (field of Stats, how its JSON value becomes the field's).
def _ms(value: Any) -> Optional[datetime.timedelta]:
    return None if value is None else datetime.timedelta(milliseconds=value)


_STATS_FIELDS: Mapping[str, Tuple[str, Any]] = {
    "gateway": ("gateway", str),
    "tokenFetches": ("token_fetches", int),
    "cacheHits": ("cache_hits", int),
    "refreshFailures": ("refresh_failures", int),
    "retriesAfter401": ("retries_after_401", int),
    "fetchesSkippedAfterRefusal": ("fetches_skipped_after_refusal", int),
    "hostCacheReads": ("host_cache_reads", int),
    "unknownOutcomeRetries": ("unknown_outcome_retries", int),
    "tokenValidForMs": ("token_valid_for", _ms),
    "gatewayClockSkewMs": ("gateway_clock_skew", _ms),
    "asyncThreads": ("async_threads", int),
    "asyncRunning": ("async_running", int),
    "asyncQueued": ("async_queued", int),
}


@dataclasses.dataclass(frozen=True)
class Stats:
    """Counters of the cache entry behind a client (shared by every client with the same
    gateway, origin and credentials in this process), and the process's async pool.
    Every key of the library's stats is a typed field (docs/c-api.md, "Stats");
    durations are ``timedelta`` (as ``Response.elapsed``)."""

    gateway: str
    token_fetches: int
    cache_hits: int
    refresh_failures: int
    retries_after_401: int
    fetches_skipped_after_refusal: int = 0
    host_cache_reads: int = 0
    unknown_outcome_retries: int = 0
    token_valid_for: Optional[datetime.timedelta] = None
    """How long the cached token stays servable; None when none is cached."""
    gateway_clock_skew: Optional[datetime.timedelta] = None
    """The gateway's clock minus this host's at the last token answer (None before one)."""
    async_threads: int = 0
    async_running: int = 0
    async_queued: int = 0
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Keys of a newer library that this version has no field for, as it sends them."""

    @classmethod
    def from_json(cls, text: str) -> "Stats":
        values: Dict[str, Any] = json.loads(text)
        fields: Dict[str, Any] = {"gateway": "", "token_fetches": 0, "cache_hits": 0,
                                  "refresh_failures": 0, "retries_after_401": 0}
        for key, (field, convert) in _STATS_FIELDS.items():
            if key in values:
                value = values.pop(key)
                fields[field] = None if value is None else convert(value)
        return cls(**fields, extra=values)


class ApiBase(Generic[R]):
    """Factories and verb shortcuts over ``__init__(config)`` and ``request``."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        raise NotImplementedError

    @classmethod
    def nicepay(cls: Type[_Self], *, client_key: str, secret_key: str, sandbox: bool = False,
                auth: Optional[str] = None, **options: Any) -> _Self:
        """A NICEPAY client. ``auth``: ``"token"`` (default) or ``"basic"``.

        ``options``: ``base_url``, ``timeout`` and ``connect_timeout`` (seconds),
        ``refresh_before_secs``, ``return_char_set``, ``max_response_bytes``, ``user_agent``,
        ``ca_file`` (a PEM bundle ADDED to the built-in Mozilla roots; checked here: a
        missing or unreadable file raises ``InvalidArgumentError`` at once),
        ``cache_dir``, ``max_in_flight``.
        """
        return cls(_config.build("nicepay", client_key=client_key, secret_key=secret_key,
                                 sandbox=sandbox, auth=auth, **options))

    @classmethod
    def portone_v1(cls: Type[_Self], *, imp_key: str, imp_secret: str, tier: Optional[str] = None,
                   **options: Any) -> _Self:
        """A PortOne V1 (iamport) client; ``tier`` is sent as the ``Tier`` header."""
        return cls(_config.build("portone-v1", imp_key=imp_key, imp_secret=imp_secret, tier=tier,
                                 **options))

    @classmethod
    def portone_v2(cls: Type[_Self], *, api_secret: str, auth: Optional[str] = None,
                   store_id: Optional[str] = None, **options: Any) -> _Self:
        """A PortOne V2 client. ``auth``: ``"secret"`` (default) or ``"token"``."""
        return cls(_config.build("portone-v2", api_secret=api_secret, auth=auth,
                                 store_id=store_id, **options))

    def request(self, method: str, path: str, *, params: Optional[Params] = None,
                json: Any = None, data: Optional[Body] = None,
                headers: Optional[Mapping[str, str]] = None,
                timeout: Optional[float] = None, idempotency_key: Optional[str] = None,
                retry_unknown_outcome: Optional[bool] = None) -> R:
        raise NotImplementedError

    def get(self, path: str, *, params: Optional[Params] = None,
            headers: Optional[Mapping[str, str]] = None, timeout: Optional[float] = None) -> R:
        return self.request("GET", path, params=params, headers=headers, timeout=timeout)

    def post(self, path: str, *, params: Optional[Params] = None, json: Any = None,
            data: Optional[Body] = None, headers: Optional[Mapping[str, str]] = None,
            timeout: Optional[float] = None, idempotency_key: Optional[str] = None,
            retry_unknown_outcome: Optional[bool] = None) -> R:
        return self.request("POST", path, params=params, json=json, data=data,
                            headers=headers, timeout=timeout, idempotency_key=idempotency_key,
                            retry_unknown_outcome=retry_unknown_outcome)

    def put(self, path: str, *, params: Optional[Params] = None, json: Any = None,
            data: Optional[Body] = None, headers: Optional[Mapping[str, str]] = None,
            timeout: Optional[float] = None, idempotency_key: Optional[str] = None,
            retry_unknown_outcome: Optional[bool] = None) -> R:
        return self.request("PUT", path, params=params, json=json, data=data,
                            headers=headers, timeout=timeout, idempotency_key=idempotency_key,
                            retry_unknown_outcome=retry_unknown_outcome)

    def patch(self, path: str, *, params: Optional[Params] = None, json: Any = None,
            data: Optional[Body] = None, headers: Optional[Mapping[str, str]] = None,
            timeout: Optional[float] = None, idempotency_key: Optional[str] = None,
            retry_unknown_outcome: Optional[bool] = None) -> R:
        return self.request("PATCH", path, params=params, json=json, data=data,
                            headers=headers, timeout=timeout, idempotency_key=idempotency_key,
                            retry_unknown_outcome=retry_unknown_outcome)

    def delete(self, path: str, *, params: Optional[Params] = None, json: Any = None,
            data: Optional[Body] = None, headers: Optional[Mapping[str, str]] = None,
            timeout: Optional[float] = None, idempotency_key: Optional[str] = None,
            retry_unknown_outcome: Optional[bool] = None) -> R:
        return self.request("DELETE", path, params=params, json=json, data=data,
                            headers=headers, timeout=timeout, idempotency_key=idempotency_key,
                            retry_unknown_outcome=retry_unknown_outcome)
