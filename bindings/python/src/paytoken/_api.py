"""What :class:`Client` and :class:`AsyncClient` share: the gateway factories, the HTTP
verb shortcuts and the stats record. ``R`` is what ``request`` returns: a ``Response``,
or an awaitable of one."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, Generic, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union

from . import _config

R = TypeVar("R")
_Self = TypeVar("_Self", bound="ApiBase[Any]")

Params = Union[Mapping[str, Any], Sequence[Tuple[str, Any]], str]
Body = Union[bytes, bytearray, memoryview, str, Mapping[str, Any]]


@dataclasses.dataclass(frozen=True)
class Stats:
    """Counters of the cache entry behind a client (shared by every client with the same
    gateway, origin and credentials in this process)."""

    token_fetches: int
    cache_hits: int
    refresh_failures: int
    retries_after_401: int
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """The library's other keys (``gateway``, ``tokenValidForMs``, ...), as it sends them."""

    @classmethod
    def from_json(cls, text: str) -> "Stats":
        counters: Dict[str, Any] = json.loads(text)
        return cls(
            token_fetches=counters.pop("tokenFetches", 0),
            cache_hits=counters.pop("cacheHits", 0),
            refresh_failures=counters.pop("refreshFailures", 0),
            retries_after_401=counters.pop("retriesAfter401", 0),
            extra=counters,
        )


class ApiBase(Generic[R]):
    """Factories and verb shortcuts over ``__init__(config)`` and ``request``."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        raise NotImplementedError

    @classmethod
    def nicepay(cls: Type[_Self], *, client_key: str, secret_key: str, sandbox: bool = False,
                auth: Optional[str] = None, **options: Any) -> _Self:
        """A NICEPAY client. ``auth``: ``"token"`` (default) or ``"basic"``.

        ``options``: ``base_url``, ``timeout_ms``, ``connect_timeout_ms``,
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
