"""Prometheus metrics of paytoken clients, for ``prometheus_client`` (an optional
dependency: ``pip install paytoken[prometheus]``; ``import paytoken`` never imports it).

    >>> from prometheus_client import REGISTRY
    >>> from paytoken.metrics import PaytokenCollector
    >>> REGISTRY.register(PaytokenCollector({"default": client}))

At each scrape the collector reads every client's ``stats()`` (no I/O: the library's
counters in memory) and reports each key under the names of the README's "Metrics"
table, with the labels ``gateway`` and ``client`` (the name given here). The table's
machine-readable copy is ``metrics.json`` beside this module, the file the ``paytoken``
command formats from; the names are the same in Node, Java and the command.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Union

try:
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError("paytoken.metrics needs prometheus_client: pip install paytoken[prometheus]") from missing

from ._aio import AsyncClient
from ._client import Client
from ._vocabulary import stats_value as _stats_value
from ._vocabulary import vocabulary

__all__ = ["PaytokenCollector", "vocabulary"]

AnyClient = Union[Client, AsyncClient]


class PaytokenCollector:
    """A ``prometheus_client`` collector of clients' stats, read at scrape time.

    ``clients``: a name (the ``client`` label) -> client mapping, or one client (labelled
    ``"default"``). Closed clients are skipped. Register it once per registry.
    """

    def __init__(self, clients: Union[AnyClient, Mapping[str, AnyClient]]) -> None:
        if isinstance(clients, (Client, AsyncClient)):
            clients = {"default": clients}
        self._clients: Dict[str, AnyClient] = dict(clients)
        self._metrics = vocabulary()

    def add(self, name: str, client: AnyClient) -> None:
        """Reports ``client`` too, labelled ``client=name`` (replacing one of that name)."""
        self._clients[name] = client

    def collect(self) -> Iterator[Any]:
        rows = [(name, client.stats()) for name, client in list(self._clients.items())
                if not client.closed]
        for metric in self._metrics:
            family_type = CounterMetricFamily if metric["type"] == "counter" else GaugeMetricFamily
            family = family_type(metric["name"], metric["help"], labels=["gateway", "client"])
            for name, stats in rows:
                value = _stats_value(stats, metric["statsKey"])
                if value is not None:
                    family.add_metric([stats.gateway, name], value * metric["scale"])
            yield family
