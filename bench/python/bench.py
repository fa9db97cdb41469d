"""paytoken from Python: cached token(), and request() against requests.Session.

    python bench.py BASE_URL [RUNS]

One JSON line per measurement and run on stdout (scripts/bench.sh reads them), progress
on stderr. Any failed call raises and ends the bench with a non-zero status.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Callable, Dict, List

import paytoken
import requests

API_PATH = "/payments/imp_bench"
TOKEN_CALLS = 100_000
BLOCK, BLOCKS = 25, 12


def emit(bench_id: str, run: int, ns: float) -> None:
    print(json.dumps({"id": bench_id, "run": run, "value": ns, "unit": "ns"}), flush=True)


def cached_token_ns(client: paytoken.Client) -> float:
    token = client.token
    started = time.perf_counter_ns()
    for _ in range(TOKEN_CALLS):
        token()
    return (time.perf_counter_ns() - started) / TOKEN_CALLS


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
    for run in range(runs):
        emit("py.token", run, cached_token_ns(client))
    for run in range(runs):
        for bench_id, ns in interleaved_ns(variants).items():
            emit(bench_id, run, ns)
        print(f"  python run {run} done", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
