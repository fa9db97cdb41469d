"""Fixtures: a fresh simulator per test, and clients pointed at it."""

from __future__ import annotations

from typing import Any, Callable, Iterator, List

import pytest
from simulator import NICEPAY, PORTONE_V1, PORTONE_V2, Simulator

import paytoken

CREDENTIALS = {"nicepay": NICEPAY, "portone-v1": PORTONE_V1, "portone-v2": PORTONE_V2}

MakeClient = Callable[..., Any]


@pytest.fixture
def sim() -> Iterator[Simulator]:
    simulator = Simulator()
    yield simulator
    simulator.stop()


@pytest.fixture
def make_client(sim: Simulator) -> Iterator[MakeClient]:
    """make_client("nicepay", auth="basic", cls=paytoken.AsyncClient, ...): a client of
    that gateway with the simulator's default credentials, closed after the test."""
    made: List[Any] = []

    def make(gateway: str, cls: Any = paytoken.Client, **options: Any) -> Any:
        factory = getattr(cls, gateway.replace("-", "_"))
        options = {**CREDENTIALS[gateway], "base_url": sim.url, **options}
        client = factory(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
