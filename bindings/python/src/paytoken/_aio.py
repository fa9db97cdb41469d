"""The asyncio client: token() and request() run on the library's own I/O threads and
complete their futures through the loop's completion queue (see _native_async); nothing
blocks the loop."""

from __future__ import annotations

import asyncio
import functools
import time
from concurrent.futures import Executor
from typing import Any, Awaitable, Mapping, Optional, Union

from ._api import ApiBase, Body, Params, Stats
from . import _native, _native_async
from ._errors import PayTokenError
from ._recovery import NetCancelResult
from ._client import Client, _c_string, _call_options, _encode_request, _response
from ._response import Response
from ._verify import PaymentVerdict


class AsyncClient(ApiBase[Awaitable[Response]]):
    """The asyncio twin of :class:`Client`: same factories, same arguments, awaitable
    ``token()`` and ``request()``/``get()``/``post()``/...

    Each network call runs on the library's own I/O threads and its future is completed
    when the loop drains its completion queue: no executor thread is held per call, any number
    can be in flight (the config key ``maxInFlight``, default 256, bounds how many run at
    once; more wait in the library), and a warm ``token()`` returns without leaving the
    loop's thread. ``executor`` is accepted for compatibility and no longer used.
    Cancelling the awaiting task does not stop a request already sent: as with a
    timeout, its outcome at the gateway is unknown.
    ``invalidate()`` and ``stats()`` do no I/O and are plain methods.
    """

    def __init__(self, config: Mapping[str, Any], *, executor: Optional[Executor] = None) -> None:
        self._client = Client(config)
        self._executor = executor

    @property
    def gateway(self) -> str:
        return self._client.gateway

    async def token(self) -> str:
        """The current access token (see :meth:`Client.token`). A fresh cached token
        is returned at once, without I/O or a thread hop."""
        cached = self._client._fresh_token()
        if cached is not None:
            return cached
        with self._client._borrow() as handle:
            cached = _native_async.token_cached(handle)
            if cached is not None:
                return cached
            started = _native_async.token_async(handle)
        return str(_native_async.result(await started))

    def invalidate(self, token: Optional[str] = None) -> None:
        """See :meth:`Client.invalidate`."""
        self._client.invalidate(token)

    def stats(self) -> Stats:
        """See :meth:`Client.stats`."""
        return self._client.stats()

    async def request(self, method: str, path: str, *, params: Optional[Params] = None,
                      json: Any = None, data: Optional[Body] = None,
                      headers: Optional[Mapping[str, str]] = None,
                      timeout: Optional[float] = None, idempotency_key: Optional[str] = None,
                      retry_unknown_outcome: Optional[bool] = None) -> Response:
        """See :meth:`Client.request`."""
        raw_method, full_path, raw_path, body, raw_headers = _encode_request(
            method, path, params, json, data, headers)
        started = time.monotonic()
        # The library holds its own reference to the client until the outcome is posted.
        with self._client._borrow() as handle:
            # Deciding a key reads the OS's random source at most: no I/O wait.
            # The library decides the key (and draws a fresh one into the options).
            key, options = _native.idempotency_key_pin(
                handle, raw_method, raw_headers,
                _call_options(timeout, idempotency_key, retry_unknown_outcome))
            pending = _native_async.request_async(handle, raw_method, raw_path, raw_headers,
                                                  body, options)
        try:
            answer = _native_async.result(await pending)
        except PayTokenError as exc:
            exc.idempotency_key = key
            raise
        return _response(answer, raw_method, full_path, started)

    def nicepay_sign(self, *parts: str) -> str:
        """See :meth:`Client.nicepay_sign` (no I/O)."""
        return self._client.nicepay_sign(*parts)

    async def nicepay_netcancel(self, order_id: str, *,
                                timeout: Optional[float] = None) -> NetCancelResult:
        """See :meth:`Client.nicepay_netcancel`. Runs on the library's own I/O threads
        (``paytoken_nicepay_netcancel_async``), like :meth:`request`."""
        raw = _c_string("order_id", order_id)
        options = _call_options(timeout)
        with self._client._borrow() as handle:
            pending = _native_async.netcancel_async(handle, raw, options)
        return NetCancelResult.from_json(_native_async.result(await pending))

    async def verify_payment(self, payment_id: Optional[str] = None, *, amount: Union[int, str],
                             currency: Optional[str] = None, order_id: Optional[str] = None,
                             order_date: Optional[str] = None) -> PaymentVerdict:
        """See :meth:`Client.verify_payment`: the lookup runs on the loop's default
        executor, never on the loop's thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(self._client.verify_payment, payment_id, amount=amount,
                                              currency=currency, order_id=order_id,
                                              order_date=order_date))

    def close(self) -> None:
        self._client.close()

    async def aclose(self) -> None:
        self._client.close()

    @property
    def closed(self) -> bool:
        return self._client.closed

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self._client.close()

    def __repr__(self) -> str:
        return f"<paytoken.AsyncClient {self.gateway}{' closed' if self.closed else ''}>"

    def __reduce__(self) -> Any:
        return self._client.__reduce__()
