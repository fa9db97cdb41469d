"""The asynchronous C calls for :class:`AsyncClient`: the library runs each call on its own
I/O threads and posts the outcome to a completion queue (``paytoken_queue``), one per
event loop. The loop watches the queue's descriptor (``add_reader``) and, once per batch,
drains every finished call with one C call on its own thread. No library thread ever
enters Python (no GIL hand-off, no ``call_soon_threadsafe`` per call), no executor thread
is held per call, and a warm token is read by ``paytoken_get_token_cached`` on the loop's
own thread (no hop, no I/O). Why: bench/BENCHMARKS.analysis.md, "Asynchronous calls".
"""

from __future__ import annotations

import asyncio
import ctypes
import itertools
import os
from ctypes import POINTER, byref, c_char_p, c_int32, c_size_t, c_uint32, c_uint64, c_void_p
from typing import Any, Dict, Optional, Tuple

from . import _native
from ._errors import error_for
from ._native import ClientPtr, ErrorStruct, RawResponse, ResponsePtr

#: A finished call: (status, value, (message, http_status, gateway_code, token phase) or None).
Outcome = Tuple[int, Any, Optional[Tuple[str, int, str, bool]]]


class QueueHandle(ctypes.Structure):
    """Opaque ``paytoken_queue``."""


class CompletionStruct(ctypes.Structure):
    """``paytoken_completion``: one finished call, as ``paytoken_queue_drain`` hands it over."""

    _fields_ = [
        ("tag", c_uint64),
        ("status", c_int32),
        ("result", c_void_p),
        ("error", ErrorStruct),
    ]


QueuePtr = POINTER(QueueHandle)
_ErrorPtr = POINTER(ErrorStruct)

_lib = _native._lib
for _name, (_restype, _argtypes) in {
    "paytoken_queue_new": (c_int32, [POINTER(QueuePtr), _ErrorPtr]),
    "paytoken_queue_fd": (c_int32, [QueuePtr]),
    "paytoken_queue_drain": (c_size_t, [QueuePtr, POINTER(CompletionStruct), c_size_t]),
    "paytoken_queue_wait": (c_size_t, [QueuePtr, POINTER(CompletionStruct), c_size_t, c_uint32]),
    "paytoken_queue_free": (None, [QueuePtr]),
    "paytoken_request_queued": (c_int32, [ClientPtr, c_char_p, c_char_p, c_char_p, c_char_p, c_size_t,
                                          c_char_p, QueuePtr, c_uint64, _ErrorPtr]),
    "paytoken_get_token_queued": (c_int32, [ClientPtr, QueuePtr, c_uint64, _ErrorPtr]),
    "paytoken_nicepay_netcancel_queued": (c_int32, [ClientPtr, c_char_p, c_char_p, QueuePtr, c_uint64,
                                                    _ErrorPtr]),
    "paytoken_get_token_cached": (c_int32, [ClientPtr, POINTER(c_void_p), _ErrorPtr]),
}.items():
    _fn = getattr(_lib, _name)
    _fn.restype, _fn.argtypes = _restype, _argtypes

#: Completions taken per drain call (a larger batch takes more calls, never fewer).
BATCH = 256
_tags = itertools.count(1)


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


class _LoopQueue:
    """One event loop's completion queue: its calls in flight by tag, and the reader that
    settles their futures. Everything here runs on the loop's thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        handle, err = QueuePtr(), ErrorStruct()
        _native._check(_lib.paytoken_queue_new(byref(handle), byref(err)), err)
        self.handle = handle
        self.loop = loop
        self.pending: Dict[int, Tuple["asyncio.Future[Outcome]", str]] = {}
        self._out = (CompletionStruct * BATCH)()
        self._fd = _lib.paytoken_queue_fd(handle)  # our own descriptor: closed in close()
        if self._fd < 0:
            _lib.paytoken_queue_free(handle)
            raise OSError("paytoken: no descriptor left for the completion queue")
        loop.add_reader(self._fd, self._drain)

    def _drain(self) -> None:
        out = self._out
        while True:
            n = _lib.paytoken_queue_drain(self.handle, out, BATCH)
            for i in range(n):
                self._settle(out[i])
            if n < BATCH:
                return

    def _settle(self, done: CompletionStruct) -> None:
        entry = self.pending.pop(done.tag, None)
        if entry is None:  # cannot happen: each tag is posted once; free nothing unknown
            return
        future, kind = entry
        value: Any = None
        details = None
        try:
            if done.status == 0 and done.result:
                value = _read_response(done.result) if kind == "request" else _read_string(done.result)
            elif done.status != 0:
                e = done.error
                details = (e.message.decode("utf-8", "replace"), e.http_status,
                           e.gateway_code.decode("utf-8", "replace"), _native.token_phase(e))
        except Exception as exc:  # the rest of the batch must still be settled
            if not future.done():
                future.set_exception(exc)
            return
        if not future.done():  # a cancelled await leaves the future done
            future.set_result((done.status, value, details))

    def close(self) -> None:
        """The loop closed: its calls can never be awaited; the library frees their results
        (those still in flight when they end)."""
        self.pending.clear()
        os.close(self._fd)
        _lib.paytoken_queue_free(self.handle)


# Each loop's queue (a plain dict: uvloop's loops take no weak references). A closed
# loop's queue is released on the next look-up or in_flight().
_queues: Dict[asyncio.AbstractEventLoop, _LoopQueue] = {}


def _prune_closed() -> None:
    for loop, queue in list(_queues.items()):
        if loop.is_closed():
            del _queues[loop]
            queue.close()


def _queue_for(loop: asyncio.AbstractEventLoop) -> _LoopQueue:
    queue = _queues.get(loop)
    if queue is None:
        _prune_closed()
        queue = _queues[loop] = _LoopQueue(loop)
    return queue


def _start(kind: str, start: Any) -> "asyncio.Future[Outcome]":
    loop = asyncio.get_running_loop()
    queue = _queue_for(loop)
    future: "asyncio.Future[Outcome]" = loop.create_future()
    tag = next(_tags)
    err = ErrorStruct()
    status = start(queue.handle, tag, err)
    if status != 0:  # refused before being accepted: nothing will be posted
        _native._check(status, err)
    queue.pending[tag] = (future, kind)
    return future


def request_async(handle: Any, method: bytes, path: bytes, headers_json: Optional[bytes],
                  body: Optional[bytes], options_json: Optional[bytes] = None) -> "asyncio.Future[Outcome]":
    """Starts ``paytoken_request_queued``; the arguments are copied before it returns."""
    return _start("request", lambda queue, tag, err: _lib.paytoken_request_queued(
        handle, method, path, headers_json, body, len(body) if body else 0, options_json,
        queue, tag, byref(err)))


def token_async(handle: Any) -> "asyncio.Future[Outcome]":
    return _start("token", lambda queue, tag, err: _lib.paytoken_get_token_queued(
        handle, queue, tag, byref(err)))


def netcancel_async(handle: Any, order_id: bytes,
                    options_json: Optional[bytes]) -> "asyncio.Future[Outcome]":
    """Starts ``paytoken_nicepay_netcancel_queued``; its result is the outcome JSON."""
    return _start("netcancel", lambda queue, tag, err: _lib.paytoken_nicepay_netcancel_queued(
        handle, order_id, options_json, queue, tag, byref(err)))


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
    """Asynchronous calls started on a loop that is still open and not yet settled."""
    _prune_closed()
    return sum(len(q.pending) for q in list(_queues.values()))


def _forget_after_fork() -> None:
    # The parent's calls complete in the parent only, and its queues' pipes are shared
    # with it: the child never drains, watches or frees them (it makes its own).
    _queues.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
