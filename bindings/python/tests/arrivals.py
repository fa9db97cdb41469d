"""Waiting for calls to reach the simulator: tests synchronize on those events (its
apiRequests and held counts), never on a guess of how long a call takes."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Dict

from simulator import WAIT_LIMIT_SECS, Simulator


def wait_for_api_requests(sim: Simulator, gateway: str, count: int = 1) -> None:
    """Returns once `count` business requests of `gateway` reached the simulator."""
    sim.wait_for(f"{count} {gateway} requests", lambda s: s["apiRequests"][gateway] >= count)


async def sim_shows(sim: Simulator, what: str, ready: Callable[[Dict[str, Any]], bool]) -> None:
    """Simulator.wait_for on an event loop: its short sleeps let the loop run meanwhile
    (start the calls, settle others)."""
    deadline = time.monotonic() + WAIT_LIMIT_SECS
    while not ready(stats := sim.stats()):
        assert time.monotonic() < deadline, f"the simulator never showed {what}: {stats}"
        await asyncio.sleep(0.005)  # polling interval only


async def api_requests_arrive(sim: Simulator, gateway: str, count: int = 1) -> None:
    await sim_shows(sim, f"{count} {gateway} requests", lambda s: s["apiRequests"][gateway] >= count)


async def requests_held(sim: Simulator, n: int) -> None:
    await sim_shows(sim, f"{n} held requests", lambda s: s["held"] == n)
