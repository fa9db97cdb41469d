"""Cached token() and request throughput against $PAYTOKEN_SIM_URL (run by `make bench`)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Awaitable, Callable, Tuple

import paytoken

CREDENTIALS = {"imp_key": "sim_imp_key", "imp_secret": "sim_imp_secret"}


def measure(batch: Callable[[], int], seconds: float = 1.0) -> Tuple[float, float]:
    """Run ``batch`` (which returns how many calls it made) for about ``seconds``."""
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        calls += batch()
    elapsed = time.perf_counter() - started
    return calls / elapsed, elapsed / calls * 1e6


def report(what: str, result: Tuple[float, float]) -> None:
    per_second, us_per_call = result
    print(f"[python] {what:<46} {per_second:>9,.0f} /s  {us_per_call:>8.1f} us/call")


def main() -> int:
    base_url = os.environ.get("PAYTOKEN_SIM_URL")
    if not base_url:
        print("bench.py: set PAYTOKEN_SIM_URL to a running paytoken-sim", file=sys.stderr)
        return 2
    client = paytoken.Client.portone_v1(**CREDENTIALS, base_url=base_url)
    client.token()

    def thousand_tokens(_: object = None) -> int:
        for _ in range(1000):
            client.token()
        return 1000

    report("token(), cached, one thread", measure(thousand_tokens))
    with ThreadPoolExecutor(8) as pool:
        report("token(), cached, 8 threads", measure(lambda: sum(pool.map(thousand_tokens, range(8)))))
        report("GET request, one thread (loopback sim)", measure(
            lambda: client.get("/payments/imp_bench").status and 1, 2.0))
    with ThreadPoolExecutor(16) as pool:
        report("GET request, 16 threads (loopback sim)", measure(
            lambda: len(list(pool.map(lambda _: client.get("/payments/imp_bench"), range(64)))), 2.0))

    async_client = paytoken.AsyncClient.portone_v1(**CREDENTIALS, base_url=base_url)

    async def gather(make: Callable[[], Awaitable[object]], count: int) -> int:
        await asyncio.gather(*(make() for _ in range(count)))
        return count

    async def run_async() -> None:
        loop = asyncio.get_running_loop()
        for what, make, count in [("await token(), cached, 100 concurrent", async_client.token, 100),
                                  ("await get(), 100 concurrent (loopback sim)",
                                   lambda: async_client.get("/payments/imp_bench"), 100)]:
            calls, started = 0, loop.time()
            while loop.time() - started < 2.0:
                calls += await gather(make, count)
            elapsed = loop.time() - started
            report(what, (calls / elapsed, elapsed / calls * 1e6))

    asyncio.run(run_async())
    return 0


if __name__ == "__main__":
    sys.exit(main())
