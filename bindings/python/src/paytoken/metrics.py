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

import datetime
import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Union

try:
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError("paytoken.metrics needs prometheus_client: pip install paytoken[prometheus]") from missing

from ._aio import AsyncClient
from ._api import _STATS_FIELDS
from ._client import Client

AnyClient = Union[Client, AsyncClient]


def vocabulary() -> List[Dict[str, Any]]:
    """The metrics, one dict per metric: ``name``, ``type``, ``unit``, ``statsKey``,
    ``scale`` (the factor from the stats value to the metric's unit), ``help``."""
    text = Path(__file__).with_name("metrics.json").read_text(encoding="utf-8")
    metrics: List[Dict[str, Any]] = json.loads(text)["metrics"]
    return metrics


def _stats_value(stats: Any, key: str) -> Optional[float]:
    """The stats key's value as the library sends it (durations back in ms), None if null."""
    value = getattr(stats, _STATS_FIELDS[key][0]) if key in _STATS_FIELDS else stats.extra.get(key)
    if isinstance(value, datetime.timedelta):
        return value / datetime.timedelta(milliseconds=1)
    return None if value is None else float(value)


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
