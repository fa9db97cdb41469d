"""The ctypes layer: loads ``libpaytoken.so`` and calls the C ABI of ``docs/c-api.md``.

Only C-to-Python plumbing lives here: every function gets its argtypes/restype, every
status becomes an exception, and everything the library allocates is freed in a
``finally``, also when raising. ``ctypes.CDLL`` releases the GIL around each call, so
threads waiting on a gateway do not stop the rest of the interpreter.
"""

from __future__ import annotations

import ctypes
import json
import os
from ctypes import (CFUNCTYPE, POINTER, byref, c_char, c_char_p, c_int32, c_size_t, c_uint32,
                    c_uint64, c_void_p)
from pathlib import Path
from typing import Any, Dict, NamedTuple, Optional, Tuple

from ._errors import error_for

LIB_ENV = "PAYTOKEN_LIB"
# The C ABI this package was written against (paytoken_abi_version): the library must have
# the same major and at least this minor.
ABI_MAJOR, ABI_MINOR = 1, 5
PACKAGED_LIB = Path(__file__).with_name("libpaytoken.so")


class ErrorStruct(ctypes.Structure):
    """``paytoken_error``: owned by the caller, filled by the library on failure."""

    _fields_ = [
        ("code", c_int32),
        ("http_status", c_int32),
        ("gateway_code", c_char * 32),
        ("message", c_char * 512),
    ]


class ClientHandle(ctypes.Structure):
    """Opaque ``paytoken_client``."""


class ResponseHandle(ctypes.Structure):
    """Opaque ``paytoken_response``."""


ClientPtr = POINTER(ClientHandle)
ResponsePtr = POINTER(ResponseHandle)
_ErrorPtr = POINTER(ErrorStruct)

# void (*)(void *user_data, int32_t level, const char *message, size_t len)
LogCallback = CFUNCTYPE(None, c_void_p, c_int32, c_void_p, c_size_t)

# name: (restype, argtypes). Strings the library allocates come back as c_void_p, not
# c_char_p: ctypes would convert a c_char_p to bytes and lose the pointer to free.
_SIGNATURES: Dict[str, Any] = {
    "paytoken_version": (c_char_p, []),
    "paytoken_strerror": (c_char_p, [c_int32]),
    "paytoken_client_new": (c_int32, [c_char_p, POINTER(ClientPtr), _ErrorPtr]),
    "paytoken_client_free": (None, [ClientPtr]),
    "paytoken_get_token": (c_int32, [ClientPtr, POINTER(c_void_p), _ErrorPtr]),
    "paytoken_get_token_cached": (c_int32, [ClientPtr, POINTER(c_void_p), _ErrorPtr]),
    "paytoken_invalidate": (c_int32, [ClientPtr, c_char_p, _ErrorPtr]),
    "paytoken_string_free": (None, [c_void_p]),
    "paytoken_request": (c_int32, [ClientPtr, c_char_p, c_char_p, c_char_p, c_char_p, c_size_t,
                                   POINTER(ResponsePtr), _ErrorPtr]),
    "paytoken_response_status": (c_int32, [ResponsePtr]),
    "paytoken_response_body": (c_void_p, [ResponsePtr, POINTER(c_size_t)]),
    "paytoken_response_header": (c_char_p, [ResponsePtr, c_char_p]),
    "paytoken_response_headers_json": (c_char_p, [ResponsePtr]),
    "paytoken_response_free": (None, [ResponsePtr]),
    "paytoken_client_stats": (c_int32, [ClientPtr, POINTER(c_void_p), _ErrorPtr]),
    "paytoken_request_ex": (c_int32, [ClientPtr, c_char_p, c_char_p, c_char_p, c_char_p, c_size_t,
                                      c_char_p, POINTER(ResponsePtr), _ErrorPtr]),
    "paytoken_response_text": (c_void_p, [ResponsePtr, POINTER(c_size_t)]),
    "paytoken_config_schema": (c_char_p, []),
    "paytoken_log_configure": (c_int32, [c_int32, LogCallback, c_void_p, _ErrorPtr]),
    "paytoken_log_dropped": (c_uint64, []),
    "paytoken_error_phase": (c_int32, [_ErrorPtr]),
    "paytoken_response_idempotency_key": (c_char_p, [ResponsePtr]),
    "paytoken_idempotency_key_new": (c_int32, [ClientPtr, c_char_p, POINTER(c_void_p), _ErrorPtr]),
    "paytoken_idempotency_key_pin": (c_int32, [ClientPtr, c_char_p, c_char_p, c_char_p,
                                               POINTER(c_void_p), POINTER(c_void_p), _ErrorPtr]),
    "paytoken_nicepay_sign": (c_int32, [ClientPtr, POINTER(c_char_p), c_size_t, POINTER(c_void_p),
                                        _ErrorPtr]),
    "paytoken_nicepay_netcancel": (c_int32, [ClientPtr, c_char_p, c_char_p, POINTER(c_void_p),
                                             _ErrorPtr]),
    "paytoken_verify_payment": (c_int32, [ClientPtr, c_char_p, POINTER(c_void_p), _ErrorPtr]),
    "paytoken_verify_webhook": (c_int32, [ClientPtr, c_char_p, c_char_p, c_size_t,
                                          POINTER(c_void_p), _ErrorPtr]),
}
# Checked before anything else is looked up: they exist in every library version.
_ABI_SIGNATURES: Dict[str, Any] = {
    "paytoken_abi_version": (c_uint32, []),
    "paytoken_error_size": (c_size_t, []),
}


def library_path() -> str:
    """The library this process loads: ``$PAYTOKEN_LIB`` if set, else the packaged one."""
    return os.environ.get(LIB_ENV) or str(PACKAGED_LIB)


def _load() -> ctypes.CDLL:
    path = library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as exc:
        hint = (f"check ${LIB_ENV}" if os.environ.get(LIB_ENV)
                else f"reinstall paytoken, or point ${LIB_ENV} at a libpaytoken.so")
        raise ImportError(f"paytoken cannot load its native library {path}: {exc}; {hint}") from None
    check_abi(lib, path)
    for name, (restype, argtypes) in _SIGNATURES.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


def check_abi(lib: Any, path: str) -> None:
    """Refuse a library whose C ABI this package cannot use, naming both versions."""
    need = f"{ABI_MAJOR}.{ABI_MINOR}"
    try:
        for name, (restype, argtypes) in _ABI_SIGNATURES.items():
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes
    except AttributeError:
        raise ImportError(f"paytoken: the native library {path} is too old (ABI 1.0, no "
                          f"paytoken_abi_version); this package needs ABI {need}; reinstall "
                          f"paytoken or point ${LIB_ENV} at a matching libpaytoken.so") from None
    found = lib.paytoken_abi_version()
    major, minor = found >> 16, found & 0xFFFF
    if major != ABI_MAJOR or minor < ABI_MINOR:
        raise ImportError(f"paytoken: the native library {path} has ABI {major}.{minor}; this "
                          f"package needs ABI {ABI_MAJOR}.x with x >= {ABI_MINOR} ({need}); "
                          f"reinstall paytoken or point ${LIB_ENV} at a matching libpaytoken.so")
    size = lib.paytoken_error_size()
    if size != ctypes.sizeof(ErrorStruct):
        raise ImportError(f"paytoken: the native library {path} has a paytoken_error of {size} "
                          f"bytes; this package needs {ctypes.sizeof(ErrorStruct)}")


_lib = _load()
# The warm token() path, looked up once.
_get_token_cached = _lib.paytoken_get_token_cached
_string_free = _lib.paytoken_string_free
_string_at = ctypes.string_at


def config_schema() -> Dict[str, Any]:
    """The library's config key table (``paytoken_config_schema``)."""
    return json.loads(_lib.paytoken_config_schema().decode("utf-8"))  # type: ignore[no-any-return]


def log_configure(level: int, callback: Any) -> None:
    err = ErrorStruct()
    _check(_lib.paytoken_log_configure(level, callback or LogCallback(), None, byref(err)), err)


def log_dropped() -> int:
    return int(_lib.paytoken_log_dropped())


def token_phase(err: ErrorStruct) -> bool:
    """Whether the failed call failed while getting its token (``paytoken_error_phase``)."""
    return bool(_lib.paytoken_error_phase(byref(err)) == 1)


def version() -> str:
    return str(_lib.paytoken_version().decode())


def strerror(code: int) -> str:
    return str(_lib.paytoken_strerror(code).decode())


def _check(status: int, err: ErrorStruct) -> None:
    if status != 0:
        raise error_for(
            status,
            err.message.decode("utf-8", "replace") or strerror(status),
            err.http_status,
            err.gateway_code.decode("utf-8", "replace"),
            token_phase(err),
        )


def _take_string(status: int, out: c_void_p, err: ErrorStruct) -> str:
    """Check ``status`` and copy the library-allocated string in ``out``, freeing it."""
    try:
        _check(status, err)
        if not out.value:
            raise error_for(7, "libpaytoken reported success but returned no string")
        return ctypes.string_at(out.value).decode("utf-8")
    finally:
        _lib.paytoken_string_free(out)  # NULL (nothing written) is fine


def client_new(config_json: bytes) -> Any:
    client = ClientPtr()
    err = ErrorStruct()
    _check(_lib.paytoken_client_new(config_json, byref(client), byref(err)), err)
    return client


def client_free(client: Any) -> None:
    _lib.paytoken_client_free(client)


def get_token(client: Any) -> str:
    out, err = c_void_p(), ErrorStruct()
    return _take_string(_lib.paytoken_get_token(client, byref(out), byref(err)), out, err)


def fresh_token(client: Any, out: c_void_p, out_ref: Any) -> Optional[str]:
    """The fresh cached token, or None when getting one needs I/O or fails (then
    :func:`get_token` fetches it or raises the error: no error struct is passed here).
    Never waits and never does I/O. ``out`` and ``out_ref`` (``byref(out)``): the caller's
    reusable out-parameter; the warm ``token()`` makes no ctypes object per call."""
    if _get_token_cached(client, out_ref, None) != 0 or not out.value:
        return None
    try:
        return _string_at(out.value).decode("utf-8")
    finally:
        _string_free(out)


def client_stats(client: Any) -> str:
    out, err = c_void_p(), ErrorStruct()
    return _take_string(_lib.paytoken_client_stats(client, byref(out), byref(err)), out, err)


def invalidate(client: Any, token: Optional[bytes]) -> None:
    err = ErrorStruct()
    _check(_lib.paytoken_invalidate(client, token, byref(err)), err)


class RawResponse(NamedTuple):
    status: int
    headers_json: str
    body: bytes
    text: str
    idempotency_key: Optional[str] = None


def request(client: Any, method: bytes, path: bytes, headers_json: Optional[bytes],
            body: Optional[bytes], options_json: Optional[bytes] = None) -> RawResponse:
    """Send one authorized request; copies the answer into Python objects and frees it.
    ``text`` is the body decoded by the library's one decoder (paytoken_response_text)."""
    response, err = ResponsePtr(), ErrorStruct()
    status = _lib.paytoken_request_ex(client, method, path, headers_json, body,
                                      len(body) if body else 0, options_json,
                                      byref(response), byref(err))
    try:
        _check(status, err)
        return copy_response(response)
    finally:
        _lib.paytoken_response_free(response)  # NULL on failure is fine


def copy_response(response: Any) -> RawResponse:
    """The answer in ``response`` as Python objects (the caller frees the native one)."""
    length = c_size_t()
    data = _lib.paytoken_response_body(response, byref(length))
    text_length = c_size_t()
    text = _lib.paytoken_response_text(response, byref(text_length))
    return RawResponse(
        status=_lib.paytoken_response_status(response),
        headers_json=(_lib.paytoken_response_headers_json(response) or b"{}").decode("utf-8"),
        body=ctypes.string_at(data, length.value) if data else b"",
        text=ctypes.string_at(text, text_length.value).decode("utf-8") if text else "",
        idempotency_key=_optional_text(_lib.paytoken_response_idempotency_key(response)),
    )


def _optional_text(raw: Optional[bytes]) -> Optional[str]:
    return None if raw is None else raw.decode("utf-8")


def idempotency_key_pin(client: Any, method: bytes, headers_json: Optional[bytes],
                        options_json: Optional[bytes]) -> Tuple[Optional[str], Optional[bytes]]:
    """The key a request with these arguments carries, decided by the library (the
    caller's header, the ``idempotencyKey`` option or a fresh key), and the options JSON
    to send so that it carries exactly that key."""
    key, options, err = c_void_p(), c_void_p(), ErrorStruct()
    status = _lib.paytoken_idempotency_key_pin(client, method, headers_json, options_json,
                                               byref(key), byref(options), byref(err))
    try:
        _check(status, err)
        return (ctypes.string_at(key.value).decode("ascii") if key.value else None,
                ctypes.string_at(options.value) if options.value else None)
    finally:
        _lib.paytoken_string_free(key)
        _lib.paytoken_string_free(options)


def nicepay_sign(client: Any, parts: "list[bytes]") -> str:
    array = (c_char_p * max(1, len(parts)))(*parts)
    out, err = c_void_p(), ErrorStruct()
    return _take_string(_lib.paytoken_nicepay_sign(client, array, len(parts), byref(out),
                                                   byref(err)), out, err)


def nicepay_netcancel(client: Any, order_id: bytes, options_json: Optional[bytes]) -> str:
    out, err = c_void_p(), ErrorStruct()
    return _take_string(_lib.paytoken_nicepay_netcancel(client, order_id, options_json, byref(out),
                                                        byref(err)), out, err)
