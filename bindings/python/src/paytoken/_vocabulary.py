"""The one metric list (README, "Metrics"): metrics.json beside this module, the copy of
the file the ``paytoken`` command formats from, read by ``paytoken.metrics``
(prometheus_client) and ``paytoken.otel`` (OpenTelemetry) alike."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from ._api import _STATS_FIELDS


def vocabulary() -> List[Dict[str, Any]]:
    """The metrics, one dict per metric: ``name``, ``type``, ``unit``, ``statsKey``,
    ``scale`` (the factor from the stats value to the metric's unit), ``help``."""
    text = Path(__file__).with_name("metrics.json").read_text(encoding="utf-8")
    metrics: List[Dict[str, Any]] = json.loads(text)["metrics"]
    return metrics


def stats_value(stats: Any, key: str) -> Optional[float]:
    """The stats key's value as the library sends it (durations back in ms), None if null."""
    value = getattr(stats, _STATS_FIELDS[key][0]) if key in _STATS_FIELDS else stats.extra.get(key)
    if isinstance(value, datetime.timedelta):
        return value / datetime.timedelta(milliseconds=1)
    return None if value is None else float(value)
