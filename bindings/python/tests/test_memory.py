"""Everything the library allocates is freed: many calls do not grow the process."""

from __future__ import annotations

from typing import Callable

import pytest

LEAK_LIMIT_MB = 3.0


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 1e6


def _growth_mb(call: Callable[[], object], times: int) -> float:
    for _ in range(times // 10):  # warm up allocator pools and caches
        call()
    before = _rss_mb()
    for _ in range(times):
        call()
    return _rss_mb() - before


def test_responses_are_freed(make_client):
    client = make_client("nicepay", auth="basic")
    body = b"x" * 65536  # echoed back: a leaked response would cost ~64 KB each
    growth = _growth_mb(lambda: client.post("/v1/payments/T1", data=body,
                                            headers={"Content-Type": "text/plain"}), 500)
    assert growth < LEAK_LIMIT_MB  # leaking would grow by ~33 MB


@pytest.mark.parametrize("call", ["token", "stats"])
def test_returned_strings_are_freed(make_client, call):
    client = make_client("nicepay")
    client.token()
    growth = _growth_mb(getattr(client, call), 100_000)
    assert growth < LEAK_LIMIT_MB  # leaking would grow by 6 MB or more


def test_clients_are_freed(sim):
    import paytoken
    from simulator import PORTONE_V1
    growth = _growth_mb(lambda: paytoken.Client.portone_v1(**PORTONE_V1, base_url=sim.url), 20_000)
    assert growth < LEAK_LIMIT_MB
