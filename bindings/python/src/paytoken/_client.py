"""The blocking client: Python arguments in, :class:`Response` or an exception out."""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import json as _json
import logging
import os
import threading
import time
import weakref
from typing import Any, Dict, Iterator, Mapping, NoReturn, Optional, Tuple, Union
from urllib.parse import urlencode

from . import _config, _log, _native
from ._api import ApiBase, Body, Params, Stats
from . import _recovery, _verify
from ._errors import InvalidArgumentError, PayTokenError
from ._recovery import NetCancelResult
from ._response import Response

_FORM = "application/x-www-form-urlencoded"
# Bound once: token()'s warm path asks it on every call.
_debug_enabled, _DEBUG = _log.logger.isEnabledFor, logging.DEBUG


class Client(ApiBase[Response]):
    """A gateway client over the process-wide token cache of ``libpaytoken``.

    Build one with :meth:`nicepay`, :meth:`portone_v1`, :meth:`portone_v2`, or
    ``Client(config)`` with a config dict of docs/c-api.md (camelCase keys). Clients are
    cheap: every client with the same gateway, origin and credentials shares one cached
    token. A client may be shared by any number of threads, and keeps working in a
    child process after ``os.fork()``. Every call blocks only the calling thread: the
    GIL is released while the library waits on the network.
    """

    def __init__(self, config: Mapping[str, Any]) -> None:
        # Set first, so that close() and __del__ work when the config is refused.
        self._handle: Any = None
        self._lock = threading.Lock()
        self._in_flight = 0
        self._closed = False
        self._token_out = ctypes.c_void_p()  # token()'s out-parameter, used under _lock
        self._token_out_ref = ctypes.byref(self._token_out)
        if not isinstance(config, Mapping):
            raise TypeError(f"config must be a mapping, not {type(config).__name__}")
        self._handle = _native.client_new(_json.dumps(dict(config)).encode("utf-8"))
        _log.sync_level()
        # The library validated it, so this is one of the known gateway names.
        self.gateway: str = config["gateway"]
        _live_clients.add(self)

    # ------------------------------------------------------------------ operations
    def token(self) -> str:
        """The current access token, fetched only when the cache has no fresh one.

        Raises :class:`InvalidArgumentError` for a scheme that uses no token
        (NICEPAY ``basic``, PortOne V2 ``secret``).
        """
        token = self._fresh_token()
        if token is not None:
            return token
        with self._borrow() as handle:
            return _native.get_token(handle)

    def _fresh_token(self) -> Optional[str]:
        """The warm path of :meth:`token` (and of ``AsyncClient.token``): the fresh cached
        token, or None when the full call must run. One C call that never waits and never
        does I/O, so it runs under the lock (close() cannot free the handle meanwhile)
        instead of a borrow, with this client's out-parameter. With DEBUG records wanted
        it answers None: the library logs the cache hit on the full path. (The full path
        also brings the library's collection level up to date; a warm call need not.)"""
        if _debug_enabled(_DEBUG):
            return None
        with self._lock:
            if self._closed:
                return None
            return _native.fresh_token(self._handle, self._token_out, self._token_out_ref)

    def invalidate(self, token: Optional[str] = None) -> None:
        """Drop the cached token if it is ``token`` (a token you saw rejected), or
        whatever is cached for this client's credentials when ``token`` is None."""
        raw = None if token is None else _c_string("token", token)
        with self._borrow() as handle:
            _native.invalidate(handle, raw)

    def stats(self) -> Stats:
        """Counters of the cache entry shared by this client's credentials."""
        with self._borrow() as handle:
            return Stats.from_json(_native.client_stats(handle))

    def request(self, method: str, path: str, *, params: Optional[Params] = None,
                json: Any = None, data: Optional[Body] = None,
                headers: Optional[Mapping[str, str]] = None,
                timeout: Optional[float] = None, idempotency_key: Optional[str] = None,
                retry_unknown_outcome: Optional[bool] = None) -> Response:
        """Send ``method`` to the gateway's origin + ``path`` with the right Authorization.

        ``path`` starts with "/" (an absolute URL is refused: the token only goes to
        the configured origin). ``params`` is appended as the query string. The body is
        ``json`` (serialised as UTF-8 JSON) or ``data`` (bytes or str as is; a dict is
        form-encoded). Any HTTP status comes back as a :class:`Response`; a 401 is
        retried once with a fresh token. Nothing is retried after the request may have
        reached the gateway: see :class:`PayTokenTimeoutError`. ``timeout`` (seconds) replaces
        the client's ``timeout`` for this call only: an approval may wait 60 s, a
        lookup 5 s.

        PortOne V2 POST/PUT/PATCH/DELETE carry an ``Idempotency-Key`` (a fresh one, or
        ``idempotency_key``, or your own ``Idempotency-Key`` header; not both): it is
        ``response.idempotency_key`` and, on failure, the exception's ``idempotency_key``.
        ``retry_unknown_outcome`` (default: the client's ``retry_unknown_outcome``) resends
        such a request with the same key after a timeout or a lost connection, within
        ``timeout``.
        """
        raw_method, full_path, raw_path, body, raw_headers = _encode_request(
            method, path, params, json, data, headers)
        started = time.monotonic()
        with self._borrow() as handle:
            # The library decides the key (and draws a fresh one into the options).
            key, options = _native.idempotency_key_pin(
                handle, raw_method, raw_headers,
                _call_options(timeout, idempotency_key, retry_unknown_outcome))
            try:
                answer = _native.request(handle, raw_method, raw_path, raw_headers, body, options)
            except PayTokenError as exc:
                exc.idempotency_key = key
                raise
        return _response(answer, raw_method, full_path, started)

    def nicepay_sign(self, *parts: str) -> str:
        """NICEPAY's ``signData``: lower-hex sha256 of ``parts`` joined, then the client's
        secret key (which never leaves the library). NICEPAY clients only."""
        raw = [_c_string("part", part) for part in parts]
        with self._borrow() as handle:
            return _native.nicepay_sign(handle, raw)

    def nicepay_netcancel(self, order_id: str, *, timeout: Optional[float] = None) -> NetCancelResult:
        """Send NICEPAY's network cancel for ``order_id`` (after an approval whose outcome
        is unknown; within one hour). Transport errors are not raised: they are
        ``outcome == NetCancelOutcome.RETRY``. Only bad arguments raise."""
        raw = _c_string("order_id", order_id)
        options = _call_options(timeout)
        with self._borrow() as handle:
            return NetCancelResult.from_json(_native.nicepay_netcancel(handle, raw, options))

    def verify_payment(self, payment_id: Optional[str] = None, *, amount: Union[int, str],
                       currency: Optional[str] = None, order_id: Optional[str] = None,
                       order_date: Optional[str] = None) -> _verify.PaymentVerdict:
        """Look the payment up and compare it with what the shop expects (issue 25):
        a :class:`PaymentVerdict`, never an exception for "not paid"; see _verify.py."""
        request = _verify.payment_request(payment_id, amount, currency, order_id, order_date)
        with self._borrow() as handle:
            return _verify.verify_payment(handle, request)

    # ------------------------------------------------------------------ lifetime
    def close(self) -> None:
        """Release the native client (after the calls in flight return). Idempotent;
        the shared token cache is not affected."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            free_now = self._in_flight == 0
        if free_now:
            self._free()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None and _native is not None:  # module may be gone at exit
            _native.client_free(handle)

    def __repr__(self) -> str:
        gateway = getattr(self, "gateway", "?")
        return f"<paytoken.Client {gateway}{' closed' if self._closed else ''}>"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a paytoken Client cannot be pickled: create one in each process "
                        "(clients are cheap and share the process's token cache)")

    @contextlib.contextmanager
    def _borrow(self) -> Iterator[Any]:
        """The native handle, kept alive until the call returns even if another thread
        closes the client meanwhile."""
        _log.sync_level()  # logging may have been configured after this client was made
        with self._lock:
            if self._closed:
                raise InvalidArgumentError("this paytoken client is closed")
            self._in_flight += 1
        try:
            yield self._handle
        finally:
            with self._lock:
                self._in_flight -= 1
                free_now = self._closed and self._in_flight == 0
            if free_now:
                self._free()

    def _free(self) -> None:
        handle, self._handle = self._handle, None
        _native.client_free(handle)

    def _after_fork_in_child(self) -> None:
        # A parent thread may have held the lock at fork time, and its calls in flight
        # do not exist in the child.
        self._lock = threading.Lock()
        self._in_flight = 0


_live_clients: "weakref.WeakSet[Client]" = weakref.WeakSet()


def _reinit_clients_after_fork() -> None:
    for client in list(_live_clients):
        client._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reinit_clients_after_fork)


# ---------------------------------------------------------------------- arguments
def _c_string(what: str, value: str) -> bytes:
    """``value`` as the NUL-terminated UTF-8 the C ABI takes. Messages name the
    argument, never its value (it may be a token)."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    if "\0" in value:
        raise InvalidArgumentError(f"{what} contains a NUL character")
    return _utf8(what, value)


def _utf8(what: str, text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(f"{what} is not valid text (it contains a lone surrogate)") from None


def _with_query(path: str, params: Optional[Params]) -> str:
    if not params or not isinstance(path, str):
        return path
    query = params if isinstance(params, str) else urlencode(params, doseq=True)
    return f"{path}{'&' if '?' in path else '?'}{query}"


def _encode_request(method: str, path: str, params: Optional[Params], json: Any,
                    data: Optional[Body], headers: Optional[Mapping[str, str]]
                    ) -> Tuple[bytes, str, bytes, Optional[bytes], Optional[bytes]]:
    """A request's arguments as the C call takes them (shared with AsyncClient):
    (method, path with query, path as C string, body, headers JSON)."""
    raw_method = _c_string("method", method).upper()
    full_path = _with_query(path, params)
    raw_path = _c_string("path", full_path)
    body, content_type = _encode_body(json, data)
    return raw_method, full_path, raw_path, body, _encode_headers(headers, content_type)


def _response(answer: Any, raw_method: bytes, full_path: str, started: float) -> Response:
    """The :class:`Response` of a finished call that started at ``started`` (monotonic)."""
    elapsed = datetime.timedelta(seconds=time.monotonic() - started)
    return Response(answer.status, _json.loads(answer.headers_json), answer.body,
                    text=answer.text, url=full_path, method=raw_method.decode(),
                    elapsed=elapsed, idempotency_key=answer.idempotency_key)


def _call_options(timeout: Optional[float], key: Optional[str] = None,
                  retry_unknown_outcome: Optional[bool] = None) -> Optional[bytes]:
    """The per-call options JSON of paytoken_request_ex (None: the client's defaults)."""
    timeout_ms = _config.optional_seconds_to_ms("timeout", timeout)
    return _recovery.options_json(timeout_ms, key, retry_unknown_outcome)


def _encode_body(json_body: Any, data: Optional[Body]) -> Tuple[Optional[bytes], Optional[str]]:
    """The body bytes and the Content-Type they need (None: the library's JSON default)."""
    if json_body is not None and data is not None:
        raise InvalidArgumentError("pass json= or data=, not both")
    if json_body is not None:
        try:
            return _json.dumps(json_body, ensure_ascii=False, allow_nan=False).encode("utf-8"), None
        except (UnicodeEncodeError, ValueError) as exc:
            raise InvalidArgumentError(f"json= cannot be sent as JSON: {exc}") from None
    if data is None:
        return None, None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data), None
    if isinstance(data, str):
        return _utf8("data", data), None
    if isinstance(data, Mapping):
        return urlencode(data, doseq=True).encode("ascii"), _FORM
    raise TypeError(f"data must be bytes, str or a mapping, not {type(data).__name__}")


def _encode_headers(headers: Optional[Mapping[str, str]], content_type: Optional[str]) -> Optional[bytes]:
    merged: Dict[str, str] = {}
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError(f"headers must map str names to str values (header {name!r})")
        merged[name] = value
    if content_type and not any(name.lower() == "content-type" for name in merged):
        merged["Content-Type"] = content_type
    return _json.dumps(merged).encode("ascii") if merged else None
