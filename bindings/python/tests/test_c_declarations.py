"""The ctypes declarations match include/paytoken_ffi.h: every C function this package
declares has the header's argument count and types, and every function of the header is
either declared here or listed in NOT_DECLARED with the reason. The header is read by
the repository's one parser (scripts/ffi-signatures.py, shared with the Node and Java
tests); scripts/test-binding-declarations.sh proves this test fails on a changed
signature. Set PAYTOKEN_FFI_HEADER to check against another header.
"""

from __future__ import annotations

import ctypes
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from paytoken import _native, _native_async  # noqa: F401  (_native_async declares the async calls)

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "ffi-signatures.py"

#: Header functions this package does not call, and why. A new C function fails this test
#: until it is declared in _native.py / _native_async.py or listed here.
NOT_DECLARED = {
    "paytoken_log_next": "the log callback mode is used: records arrive on the library's log thread",
    **{f"paytoken_{name}_async": "AsyncClient completes through a paytoken_queue (the _queued twin): "
       "no library thread enters Python" for name in ("request", "get_token", "nicepay_netcancel")},
    "paytoken_heap_in_use": "a diagnostic for leak checks (the soak reads it directly); the API needs no wrapper",
    "paytoken_response_read": "one call for a whole response, made for PHP's FFI (each foreign call costs there); "
    "this package reads the parts it needs",
    "paytoken_idempotency_key_drawn": "lets PHP skip the pin call per GET; this package pins the key on every call",
}

#: The package's ctypes classes for the header's structs.
STRUCTS = {
    _native.ErrorStruct: "paytoken_error",
    _native.ClientHandle: "paytoken_client",
    _native.ResponseHandle: "paytoken_response",
    _native_async.QueueHandle: "paytoken_queue",
    _native_async.CompletionStruct: "paytoken_completion",
}

# ctypes' simple type codes: byte-sized data, and integers as (bytes, signed).
_BYTE_CODES = "cbB"
_INT_CODES = {"h": (2, True), "H": (2, False), "i": (4, True), "I": (4, False),
              "l": (8, True), "L": (8, False), "q": (8, True), "Q": (8, False)}


def shape(ctype: Any) -> Dict[str, Any]:
    """A ctypes type as the parser's shape (see scripts/ffi-signatures.py)."""
    if ctype is None:
        return {"kind": "void"}
    if ctype in STRUCTS:
        return {"kind": "struct", "name": STRUCTS[ctype]}
    if isinstance(ctype, type) and issubclass(ctype, ctypes._Pointer):
        return {"kind": "ptr", "to": shape(ctype._type_)}
    if isinstance(ctype, type) and issubclass(ctype, ctypes._CFuncPtr):  # type: ignore[attr-defined]
        return {"kind": "proto", "returns": shape(ctype._restype_),
                "args": [shape(a) for a in ctype._argtypes_]}
    code = getattr(ctype, "_type_", None)
    if code == "z":
        return {"kind": "ptr", "to": {"kind": "byte"}}
    if code == "P":
        return {"kind": "ptr", "to": {"kind": "void"}}
    if code in _BYTE_CODES:
        return {"kind": "byte"}
    if code in _INT_CODES:
        size, signed = _INT_CODES[code]
        return {"kind": "int", "bytes": size, "signed": signed}
    raise AssertionError(f"no C shape for the ctypes type {ctype!r}")


def matches(header: Dict[str, Any], mine: Dict[str, Any], callbacks: Dict[str, Any]) -> bool:
    """Whether a declaration of type ``mine`` is right for the header's ``header``. A
    ``void *`` stands for any pointer (library-allocated strings are kept as c_void_p so
    they can be freed); a callback typedef is compared with the CFUNCTYPE's own types."""
    if header["kind"] == "fn":
        if mine == {"kind": "ptr", "to": {"kind": "void"}}:
            return True  # a NULL callback only
        proto = callbacks[header["name"]]
        return (mine["kind"] == "proto" and len(mine["args"]) == len(proto["args"])
                and matches(proto["returns"], mine["returns"], callbacks)
                and all(matches(a["type"], m, callbacks) for a, m in zip(proto["args"], mine["args"])))
    if header["kind"] == "ptr" and mine["kind"] == "ptr":
        return mine["to"]["kind"] == "void" or matches(header["to"], mine["to"], callbacks)
    return header == mine


def describe(t: Dict[str, Any]) -> str:
    kind = t["kind"]
    if kind == "ptr":
        return describe(t["to"]) + " *"
    if kind == "int":
        return f"{'' if t['signed'] else 'u'}int{t['bytes'] * 8}"
    if kind in ("struct", "fn"):
        return str(t["name"])
    if kind == "proto":
        return f"CFUNCTYPE({', '.join(describe(a) for a in [t['returns'], *t['args']])})"
    return str(kind)


@pytest.fixture(scope="module")
def header() -> Dict[str, Any]:
    if not SCRIPT.exists():
        pytest.skip(f"{SCRIPT} is not here (run from the repository to check the declarations)")
    out = subprocess.run([sys.executable, str(SCRIPT)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def declared() -> Dict[str, Any]:
    """Every function of the loaded library that the package declared (ctypes caches each
    looked-up function on the CDLL object)."""
    return {name: fn for name, fn in vars(_native._lib).items() if name.startswith("paytoken_")}


def test_each_declaration_matches_the_header(header: Dict[str, Any]) -> None:
    functions = {f["name"]: f for f in header["functions"]}
    problems: List[str] = []
    for name, fn in sorted(declared().items()):
        c = functions.get(name)
        if c is None:
            problems.append(f"{name}: declared here but not in the header")
            continue
        if fn.argtypes is None:
            problems.append(f"{name}: called without argtypes")
            continue
        mine = [shape(t) for t in fn.argtypes]
        if len(mine) != len(c["args"]):
            problems.append(f"{name}: {len(mine)} arguments here, {len(c['args'])} in the header")
            continue
        for position, (arg, m) in enumerate(zip(c["args"], mine), 1):
            if not matches(arg["type"], m, header["callbacks"]):
                problems.append(f"{name}: argument {position} ({arg['name']}) is "
                                f"{describe(arg['type'])} in the header, {describe(m)} here")
        if not matches(c["returns"], shape(fn.restype), header["callbacks"]):
            problems.append(f"{name}: returns {describe(c['returns'])} in the header, "
                            f"{describe(shape(fn.restype))} here")
    assert not problems, "ctypes declarations differ from paytoken_ffi.h:\n" + "\n".join(problems)


def test_every_header_function_is_declared_or_listed(header: Dict[str, Any]) -> None:
    names = {f["name"] for f in header["functions"]}
    mine = set(declared())
    missing = sorted(names - mine - set(NOT_DECLARED))
    assert not missing, (f"in paytoken_ffi.h but not declared by the Python package: {missing}; "
                         "declare them (_native.py) or add them to NOT_DECLARED with the reason")
    stale = sorted(set(NOT_DECLARED) & mine) + sorted(set(NOT_DECLARED) - names)
    assert not stale, f"NOT_DECLARED lists functions that are declared or not in the header: {stale}"
