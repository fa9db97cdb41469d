"""paytoken.otel (issue 26.3): OpenTelemetry instruments of real clients against the
simulator, exported by OpenTelemetry's own Prometheus exporter, must show exactly the
metrics of the README's "Metrics" table (names, types, help texts) with each client's
stats() values in the table's units, as the prometheus_client collector does."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any, Dict, List

import pytest

import paytoken

pytest.importorskip("opentelemetry.sdk")
exporter = pytest.importorskip("opentelemetry.exporter.prometheus")
from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from prometheus_client import CollectorRegistry, generate_latest  # noqa: E402
from test_metrics import assert_exactly_the_table, mismatches, parse, readme_table  # noqa: E402

from paytoken import otel  # noqa: E402


def scrape(clients: Dict[str, Any]) -> str:
    """paytoken's lines of a Prometheus scrape of an SDK reading otel.observe()'s
    instruments, without the otel_scope_* labels the exporter adds to every sample."""
    registry = CollectorRegistry()
    provider = MeterProvider(metric_readers=[exporter.PrometheusMetricReader(registry=registry)])
    try:
        otel.observe(provider.get_meter("paytoken"), clients)
        text = generate_latest(registry).decode()
    finally:
        provider.shutdown()
    lines: List[str] = [line for line in text.splitlines() if re.match(r"(# (HELP|TYPE) )?paytoken_", line)]
    return "\n".join(re.sub(r',?otel_scope_\w+="[^"]*"', "", line) for line in lines) + "\n"


def test_the_exported_metrics_are_exactly_the_readme_table_with_each_clients_stats(sim: Any) -> None:
    web = paytoken.Client.nicepay(client_key="S2_sim_client_key", secret_key="sim_nicepay_secret_key",
                                  base_url=sim.url)
    worker = paytoken.Client.portone_v2(api_secret="sim_portone_v2_api_secret", base_url=sim.url)
    try:
        web.get("/v1/payments/tid_otel_1")
        before = {"web": web.stats(), "worker": worker.stats()}
        scraped = parse(scrape({"web": web, "worker": worker}))
        after = {"web": web.stats(), "worker": worker.stats()}
    finally:
        web.close()
        worker.close()

    assert_exactly_the_table(scraped, before, after)
    assert scraped["paytoken_token_fetches_total"][2] == {"web": 1.0, "worker": 0.0}


def test_the_check_fails_when_a_name_drifts(sim: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    drifted = otel.vocabulary()
    drifted[0] = {**drifted[0], "name": "paytoken_token_fetch_total"}
    monkeypatch.setattr(otel, "vocabulary", lambda: drifted)
    # A token, so that every metric has a value (an instrument without one is not exported).
    client = paytoken.Client.nicepay(client_key="S2_sim_client_key", secret_key="sim_nicepay_secret_key",
                                     base_url=sim.url)
    try:
        client.token()
        found = mismatches(readme_table(), parse(scrape({"default": client})))
    finally:
        client.close()
    assert found == ["not in the README: paytoken_token_fetch_total",
                     "not emitted: paytoken_token_fetches_total"]


def test_import_paytoken_does_not_import_opentelemetry() -> None:
    code = "import sys, paytoken; sys.exit(any(m.startswith('opentelemetry') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
