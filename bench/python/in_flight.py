"""Many calls in flight from asyncio: paytoken's AsyncClient (the library's own I/O
threads) against aiohttp, side by side, on a gateway that answers after a delay; and a
warm ``await token()`` against the synchronous ``token()`` in the same run.

    python in_flight.py SLOW_URL SLOWER_URL [RUNS]

SLOW_URL: a simulator with --delay-ms 200 (256 calls in flight); SLOWER_URL: one with
--delay-ms 1000 (1000 in flight). One JSON line per measurement and run on stdout.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

import aiohttp

import paytoken

API_PATH = "/payments/imp_bench"
TOKEN_CALLS = 200_000


def emit(id_: str, run: int, value: float, unit: str = "ns") -> None:
    print(json.dumps({"id": id_, "run": run, "value": value, "unit": unit}), flush=True)


def sample() -> tuple[int, float]:
    """Threads named paytoken-io, and the resident set in MiB."""
    threads = 0
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/comm") as comm:
                threads += comm.read().strip() == "paytoken-io"
        except OSError:
            pass
    with open("/proc/self/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
    return threads, rss


async def burst(n: int, call, midway_s: float):
    started = time.perf_counter_ns()
    tasks = [asyncio.ensure_future(call(i)) for i in range(n)]
    await asyncio.sleep(midway_s)
    mid = sample()
    statuses = await asyncio.gather(*tasks)
    elapsed = time.perf_counter_ns() - started
    if any(s != 200 for s in statuses):
        raise RuntimeError("a call did not answer 200")
    return elapsed, mid


async def main() -> None:
    slow_url, slower_url = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5

    # Warm await token() vs the synchronous token(), same client, same run.
    client = paytoken.AsyncClient.portone_v1(imp_key="sim_imp_key", imp_secret="sim_imp_secret",
                                             base_url=slow_url)
    sync = paytoken.Client.portone_v1(imp_key="sim_imp_key", imp_secret="sim_imp_secret", base_url=slow_url)
    await client.token()
    for run in range(runs):
        started = time.perf_counter_ns()
        for _ in range(TOKEN_CALLS):
            sync.token()
        emit("py.token.sync_same_run", run, (time.perf_counter_ns() - started) / TOKEN_CALLS)
        started = time.perf_counter_ns()
        for _ in range(TOKEN_CALLS):
            await client.token()
        emit("py.token.await", run, (time.perf_counter_ns() - started) / TOKEN_CALLS)
    client.close()
    sync.close()

    for label, url, n, delay_s in (("conc256", slow_url, 256, 0.2), ("conc1000", slower_url, 1000, 1.0)):
        # max_in_flight = n: the default (256) would queue the 1000-call burst in four waves.
        client = paytoken.AsyncClient.portone_v1(imp_key="sim_imp_key", imp_secret="sim_imp_secret",
                                                 base_url=url, max_in_flight=n)
        authorization = f"Bearer {await client.token()}"
        # aiohttp's default connector allows 100 connections: unlimited, as paytoken is.
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

            async def with_aiohttp(i: int) -> int:
                async with session.get(f"{url}{API_PATH}?n={i}", headers={"Authorization": authorization}) as r:
                    await r.read()
                    return r.status

            async def with_paytoken(i: int) -> int:
                return (await client.get(f"{API_PATH}?n={i}")).status

            variants = {"paytoken": with_paytoken, "aiohttp": with_aiohttp}
            for call in variants.values():
                await burst(min(n, 64), call, 0.01)  # warm up
            for run in range(runs):
                names = ["aiohttp", "paytoken"] if run % 2 else ["paytoken", "aiohttp"]
                for name in names:
                    before = sample()[1]
                    elapsed, (threads, rss) = await burst(n, variants[name], delay_s / 2)
                    emit(f"py.{label}.{name}", run, elapsed)
                    if name == "paytoken":
                        emit(f"py.{label}.threads", run, threads, "threads")
                        emit(f"py.{label}.rss", run, max(0.0, rss - before), "MiB")
                print(f"  python {label} run {run} done", file=sys.stderr)
        client.close()


if __name__ == "__main__":
    asyncio.run(main())
