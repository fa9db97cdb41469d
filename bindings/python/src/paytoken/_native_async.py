"""The asynchronous C calls for :class:`AsyncClient`: the library runs each call on its own
I/O threads and reports the outcome through one ctypes callback; the callback copies the
result, frees the native one and hands it to the waiting future's loop with
``call_soon_threadsafe``. No executor thread is held per call, and a warm token is read
by ``paytoken_get_token_cached`` on the loop's own thread (no hop, no I/O).
"""

from __future__ import annotations

import asyncio
import ctypes
import itertools
import os
import threading
from ctypes import POINTER, byref, c_char_p, c_int32, c_size_t, c_void_p
from typing import Any, Dict, Optional, Tuple

from . import _native
from ._errors import error_for
from ._native import ClientPtr, ErrorStruct, RawResponse, ResponsePtr

#: ``paytoken_callback``: (user_data, status, result, error).
CALLBACK = ctypes.CFUNCTYPE(None, c_void_p, c_int32, c_void_p, POINTER(ErrorStruct))

#: A finished call: (status, value, (message, http_status, gateway_code, token phase) or None).
Outcome = Tuple[int, Any, Optional[Tuple[str, int, str]]]

_lib = _native._lib
_lib.paytoken_request_async.restype = c_int32
_lib.paytoken_request_async.argtypes = [ClientPtr, c_char_p, c_char_p, c_char_p, c_char_p, c_size_t,
                                        c_char_p, CALLBACK, c_void_p, POINTER(ErrorStruct)]
_lib.paytoken_get_token_async.restype = c_int32
_lib.paytoken_get_token_async.argtypes = [ClientPtr, CALLBACK, c_void_p, POINTER(ErrorStruct)]
_lib.paytoken_nicepay_netcancel_async.restype = c_int32
_lib.paytoken_nicepay_netcancel_async.argtypes = [ClientPtr, c_char_p, c_char_p, CALLBACK, c_void_p,
                                                  POINTER(ErrorStruct)]
_lib.paytoken_get_token_cached.restype = c_int32
_lib.paytoken_get_token_cached.argtypes = [ClientPtr, POINTER(c_void_p), POINTER(ErrorStruct)]

# Calls in flight: id (the C user_data) -> (loop, future, kind).
_pending: Dict[int, Tuple[asyncio.AbstractEventLoop, "asyncio.Future[Outcome]", str]] = {}
_pending_lock = threading.Lock()
_ids = itertools.count(1)


def _read_response(ptr: int) -> RawResponse:
    response = ctypes.cast(ptr, ResponsePtr)
    try:
        return _native.copy_response(response)
    finally:
        _lib.paytoken_response_free(response)


def _read_string(ptr: int) -> str:
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        _lib.paytoken_string_free(ptr)


def _complete(user_data: Optional[int], status: int, result: Optional[int], error: Any) -> None:
    """Runs on a library I/O thread (ctypes takes the GIL). Must never raise."""
    try:
        with _pending_lock:
            entry = _pending.pop(user_data or 0, None)
        if entry is None:
            return  # a parent's call after fork (cannot happen): not knowing its type, free nothing
        loop, future, kind = entry
        value: Any = None
        details = None
        if status == 0 and result:
            value = _read_response(result) if kind == "request" else _read_string(result)
        elif status != 0:
            e = error.contents
            details = (e.message.decode("utf-8", "replace"), e.http_status,
                       e.gateway_code.decode("utf-8", "replace"), _native.token_phase(e))
        loop.call_soon_threadsafe(_settle, future, (status, value, details))
    except RuntimeError:
        pass  # the loop was closed meanwhile: nobody can await this any more
    except BaseException:  # pragma: no cover - never let an exception into ctypes
        pass


def _settle(future: "asyncio.Future[Outcome]", outcome: Outcome) -> None:
    if not future.done():  # a cancelled await leaves the future done
        future.set_result(outcome)


# One callback object for the life of the process: the library may call it whenever.
_CALLBACK = CALLBACK(_complete)


def _start(kind: str, start: Any) -> "asyncio.Future[Outcome]":
    loop = asyncio.get_running_loop()
    future: "asyncio.Future[Outcome]" = loop.create_future()
    call_id = next(_ids)
    with _pending_lock:
        _pending[call_id] = (loop, future, kind)
    err = ErrorStruct()
    status = start(call_id, err)
    if status != 0:  # refused before being accepted: no callback will come
        with _pending_lock:
            _pending.pop(call_id, None)
        _native._check(status, err)
    return future


def request_async(handle: Any, method: bytes, path: bytes, headers_json: Optional[bytes],
                  body: Optional[bytes], options_json: Optional[bytes] = None) -> "asyncio.Future[Outcome]":
    """Starts ``paytoken_request_async``; the arguments are copied before it returns."""
    return _start("request", lambda call_id, err: _lib.paytoken_request_async(
        handle, method, path, headers_json, body, len(body) if body else 0, options_json,
        _CALLBACK, call_id, byref(err)))


def token_async(handle: Any) -> "asyncio.Future[Outcome]":
    return _start("token", lambda call_id, err: _lib.paytoken_get_token_async(
        handle, _CALLBACK, call_id, byref(err)))


def netcancel_async(handle: Any, order_id: bytes,
                    options_json: Optional[bytes]) -> "asyncio.Future[Outcome]":
    """Starts ``paytoken_nicepay_netcancel_async``; its result is the outcome JSON."""
    return _start("netcancel", lambda call_id, err: _lib.paytoken_nicepay_netcancel_async(
        handle, order_id, options_json, _CALLBACK, call_id, byref(err)))


def token_cached(handle: Any) -> Optional[str]:
    """The fresh cached token, or None when getting one needs I/O."""
    out, err = c_void_p(), ErrorStruct()
    _native._check(_lib.paytoken_get_token_cached(handle, byref(out), byref(err)), err)
    return _read_string(out.value) if out.value else None


def result(outcome: Outcome) -> Any:
    """The value of a finished call, or its typed exception raised here (in the caller)."""
    status, value, details = outcome
    if status != 0:
        message, http_status, gateway_code, phase = details or ("", 0, "", False)
        raise error_for(status, message or _native.strerror(status), http_status, gateway_code,
                        phase)
    return value


def in_flight() -> int:
    """Asynchronous calls started in this process and not yet called back."""
    with _pending_lock:
        return len(_pending)


def _forget_after_fork() -> None:
    # The parent's calls complete in the parent only: nothing here waits for them.
    global _pending_lock
    _pending_lock = threading.Lock()
    _pending.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
