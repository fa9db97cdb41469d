"""paytoken from Python: cached token() beside a bare ctypes call of the library (the
reference), and request() against requests.Session.

    python bench.py BASE_URL [RUNS]

One JSON line per measurement and run on stdout (scripts/bench.sh reads them), progress
on stderr. Any failed call raises and ends the bench with a non-zero status.
"""

from __future__ import annotations

import ctypes
import json
import sys
import time
from ctypes import POINTER, byref, c_int32, c_void_p
from typing import Callable, Dict, List

import paytoken
import requests

API_PATH = "/payments/imp_bench"
TOKEN_CALLS = 100_000
BLOCK, BLOCKS = 25, 12


def emit(bench_id: str, run: int, ns: float) -> None:
    print(json.dumps({"id": bench_id, "run": run, "value": ns, "unit": "ns"}), flush=True)


def per_call_ns(call: Callable[[], str]) -> float:
    started = time.perf_counter_ns()
    for _ in range(TOKEN_CALLS):
        call()
    return (time.perf_counter_ns() - started) / TOKEN_CALLS


def bare_token(client: paytoken.Client) -> Callable[[], str]:
    """The floor from Python: paytoken_get_token_cached + paytoken_string_free through
    ctypes, declared here, with one reused out-parameter and no error struct, and the
    token's bytes made a str (what token() returns). No lock, no check, no fallback."""
    lib = ctypes.CDLL(paytoken._native._lib._name)
    cached = lib.paytoken_get_token_cached
    cached.restype, cached.argtypes = c_int32, [c_void_p, POINTER(c_void_p), c_void_p]
    free = lib.paytoken_string_free
    free.restype, free.argtypes = None, [c_void_p]
    handle, out = ctypes.cast(client._handle, c_void_p), c_void_p()
    out_ref, string_at = byref(out), ctypes.string_at

    def call() -> str:
        cached(handle, out_ref, None)
        token = string_at(out.value).decode("utf-8")
        free(out)
        return token
    if call() != client.token():
        raise RuntimeError("the bare call did not return the cached token")
    return call


def interleaved_ns(variants: Dict[str, Callable[[], None]]) -> Dict[str, float]:
    """ns per call of each variant, run in small blocks whose order rotates, so that
    drift on a shared machine hits every variant alike."""
    names: List[str] = list(variants)
    spent = dict.fromkeys(names, 0)
    for block in range(BLOCKS):
        for k in range(len(names)):
            name = names[(block + k) % len(names)]
            call = variants[name]
            started = time.perf_counter_ns()
            for _ in range(BLOCK):
                call()
            spent[name] += time.perf_counter_ns() - started
    return {name: spent[name] / (BLOCK * BLOCKS) for name in names}


def main() -> int:
    base_url = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    client = paytoken.Client.portone_v1(imp_key="sim_imp_key", imp_secret="sim_imp_secret", base_url=base_url)
    session = requests.Session()  # what Python shops use: a pooled, kept-alive session
    session.headers["Authorization"] = f"Bearer {client.token()}"
    url = base_url + API_PATH

    def with_paytoken() -> None:
        response = client.get(API_PATH)
        if response.status != 200 or not response.content:
            raise RuntimeError(f"paytoken GET answered {response.status}")

    def with_requests() -> None:
        response = session.get(url)
        response.raise_for_status()
        if not response.content:
            raise RuntimeError("requests GET: empty body")

    variants = {"py.request.paytoken": with_paytoken, "py.request.requests": with_requests}
    for call in variants.values():  # warm both connections
        for _ in range(50):
            call()
    # Token runs first, then request runs: a CPU-bound loop right before a request block
    # slowed the requests that followed it (seen from PHP on a 2-core VM).
    bare = bare_token(client)
    for run in range(runs):
        # Side by side in every run (the ratio is taken run by run), order alternating.
        order = [("py.token", client.token), ("py.token.bare", bare)]
        for bench_id, call in order if run % 2 == 0 else order[::-1]:
            emit(bench_id, run, per_call_ns(call))
    for run in range(runs):
        for bench_id, ns in interleaved_ns(variants).items():
            emit(bench_id, run, ns)
        print(f"  python run {run} done", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
