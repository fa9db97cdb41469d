"""OpenTelemetry metrics of paytoken clients, for shops that export through an
OpenTelemetry SDK (OTLP, or its Prometheus exporter). Needs only ``opentelemetry-api``
(``pip install paytoken[opentelemetry]``); ``import paytoken`` never imports it.

    >>> from opentelemetry import metrics as otel_metrics
    >>> from paytoken.otel import observe
    >>> observe(otel_metrics.get_meter("paytoken"), {"shop": client})

One observable instrument per metric of the README's "Metrics" table, whose callback reads
the clients' ``stats()`` (no I/O) at each collection, with the attributes ``gateway`` and
``client``. An instrument's name is the table's without the suffixes OpenTelemetry's
naming leaves to the exporter, ``_total`` of a counter and ``_seconds`` of unit ``s``:
the Prometheus exporter adds them back, so a scrape shows exactly the table's names.
A metric that no client has a value for (no token cached yet) is not exported at all,
where the Prometheus collectors print its HELP and TYPE lines: OpenTelemetry sends no empty
metric.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Mapping, Tuple, Union

try:
    from opentelemetry.metrics import CallbackOptions, Meter, Observation
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError("paytoken.otel needs opentelemetry-api: pip install paytoken[opentelemetry]") from missing

from ._aio import AsyncClient
from ._client import Client
from ._vocabulary import stats_value, vocabulary

AnyClient = Union[Client, AsyncClient]

__all__ = ["observe", "instrument_name"]


def instrument_name(metric: Mapping[str, Any]) -> Tuple[str, str]:
    """(name, unit) of the instrument for a row of the metric list."""
    name, unit = metric["name"], ""
    if metric["type"] == "counter" and name.endswith("_total"):
        name = name[: -len("_total")]
    if metric["unit"] == "seconds":
        name, unit = name[: -len("_seconds")], "s"
    return name, unit


def observe(meter: Meter, clients: Union[AnyClient, Mapping[str, AnyClient]]) -> List[Any]:
    """Creates the instruments on ``meter`` for ``clients`` (a name, the ``client``
    attribute, -> client mapping, or one client named ``"default"``); closed clients are
    skipped. Returns the instruments. Call it once per meter."""
    named: Dict[str, AnyClient] = {"default": clients} if isinstance(clients, (Client, AsyncClient)) else dict(clients)
    instruments = []
    for metric in vocabulary():
        name, unit = instrument_name(metric)
        create = meter.create_observable_counter if metric["type"] == "counter" else meter.create_observable_gauge
        instruments.append(create(name, callbacks=[_reader(metric, named)], unit=unit, description=metric["help"]))
    return instruments


def _reader(metric: Mapping[str, Any], clients: Dict[str, AnyClient]) -> Callable[[CallbackOptions], Iterable[Observation]]:
    def read(_options: CallbackOptions) -> Iterable[Observation]:
        for label, client in list(clients.items()):
            if client.closed:
                continue
            stats = client.stats()
            value = stats_value(stats, metric["statsKey"])
            if value is not None:
                yield Observation(value * metric["scale"], {"gateway": stats.gateway, "client": label})
    return read
