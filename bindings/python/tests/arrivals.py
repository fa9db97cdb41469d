"""Waiting for a call to reach the simulator: tests synchronize on that event (the
simulator's apiRequests count), never on a guess of how long it takes."""

from __future__ import annotations

import asyncio
import time

from simulator import Simulator

LIMIT_SECS = 30


def _arrived(sim: Simulator, gateway: str, count: int, deadline: float) -> bool:
    if sim.stats()["apiRequests"][gateway] >= count:
        return True
    assert time.monotonic() < deadline, f"fewer than {count} {gateway} requests reached the simulator"
    return False


def wait_for_api_requests(sim: Simulator, gateway: str, count: int = 1) -> None:
    """Returns once `count` business requests of `gateway` reached the simulator."""
    deadline = time.monotonic() + LIMIT_SECS
    while not _arrived(sim, gateway, count, deadline):
        time.sleep(0.005)  # polling interval only: the count is what is waited on


async def api_requests_arrive(sim: Simulator, gateway: str, count: int = 1) -> None:
    """The same on an event loop: its short sleeps let the loop start the calls."""
    deadline = time.monotonic() + LIMIT_SECS
    while not _arrived(sim, gateway, count, deadline):
        await asyncio.sleep(0.005)
