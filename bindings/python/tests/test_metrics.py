"""paytoken.metrics (issue 26.3): a real prometheus_client scrape of real clients against
the simulator must emit exactly the metrics of the README's "Metrics" table (the one
list: names, types, help texts), with each client's stats() values in the table's units."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from simulator import Simulator

import paytoken

prometheus_client = pytest.importorskip("prometheus_client")
from paytoken import metrics  # noqa: E402  (after the skip: it needs prometheus_client)

README = Path(__file__).resolve().parents[3] / "README.md"


def readme_table() -> List[Dict[str, str]]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("<!-- metrics:start -->"):text.index("<!-- metrics:end -->")]
    rows = []
    for line in table.splitlines():
        if line.startswith("| `"):
            cells = [cell.strip().strip("`") for cell in line.strip("|").split("|")]
            rows.append({"name": cells[0], "type": cells[1], "unit": "" if cells[2] == "—" else cells[2],
                         "statsKey": cells[3], "help": cells[4]})
    assert len(rows) >= 12
    return rows


Exposition = Dict[str, Tuple[str, str, Dict[str, float]]]


def parse(text: str) -> Exposition:
    """name -> (type, help, {client label: value})."""
    out: Dict[str, List[Any]] = {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name, help_text = line[7:].split(" ", 1)
            out.setdefault(name, ["", "", {}])[1] = help_text
        elif line.startswith("# TYPE "):
            name, kind = line[7:].split(" ", 1)
            out.setdefault(name, ["", "", {}])[0] = kind
        elif line:
            match = re.fullmatch(r'(\w+)\{(.*)\} (\S+)', line)
            assert match, line
            labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2)))
            assert sorted(labels) == ["client", "gateway"], line
            out[match.group(1)][2][labels["client"]] = float(match.group(3))
    return {name: (v[0], v[1], v[2]) for name, v in out.items()}


def mismatches(table: List[Dict[str, str]], scraped: Exposition) -> List[str]:
    """What differs between the table and a scrape, by metric name."""
    wanted = {row["name"]: row for row in table}
    found = [f"not in the README: {name}" for name in scraped if name not in wanted]
    found += [f"not emitted: {name}" for name in wanted if name not in scraped]
    for name, (kind, help_text, _) in scraped.items():
        if name in wanted and (kind, help_text) != (wanted[name]["type"], wanted[name]["help"]):
            found.append(f"{name}: {kind} {help_text!r}")
    return found


def assert_exactly_the_table(scraped: Exposition, before: Dict[str, Any], after: Dict[str, Any]) -> None:
    """The scrape has the table's metrics and nothing else, and each client's values in the
    table's units; a null key has no sample. `before` and `after` are each client's
    stats() (label -> stats) read just before and just after the scrape: a value that
    moves on its own (a token's life goes down; idle I/O threads, counted process-wide,
    exit) is between the two."""
    table = readme_table()
    assert mismatches(table, scraped) == []
    for row in table:
        samples = scraped[row["name"]][2]
        for label in before:
            raws = [metrics._stats_value(stats[label], row["statsKey"]) for stats in (before, after)]
            if raws == [None, None]:
                assert label not in samples, (row["name"], label)
                continue
            expected = [raw / 1000 if row["unit"] == "seconds" else raw for raw in raws if raw is not None]
            # 1 unit of slack for rounding (seconds from milliseconds), not for time.
            assert min(expected) - 1 <= samples[label] <= max(expected) + 1, (row["name"], label, expected)


def scrape(collector: Any) -> str:
    registry = prometheus_client.CollectorRegistry()
    registry.register(collector)
    text: str = prometheus_client.generate_latest(registry).decode()
    return text


@pytest.fixture
def skewed_sim() -> Any:
    simulator = Simulator("--clock-offset", "120")
    yield simulator
    simulator.stop()


def test_a_scrape_emits_exactly_the_readme_metrics_with_each_clients_stats(skewed_sim: Any) -> None:
    web = paytoken.Client.nicepay(client_key="S2_sim_client_key", secret_key="sim_nicepay_secret_key",
                                  base_url=skewed_sim.url)
    # A scheme without a token: its token gauges are null, so they have no sample.
    worker = paytoken.Client.portone_v2(api_secret="sim_portone_v2_api_secret", base_url=skewed_sim.url)
    try:
        web.get("/v1/payments/tid_metrics_1")
        web.get("/v1/payments/tid_metrics_2")
        collector = metrics.PaytokenCollector({"web": web})
        collector.add("worker", worker)
        before = {"web": web.stats(), "worker": worker.stats()}
        scraped = parse(scrape(collector))
        after = {"web": web.stats(), "worker": worker.stats()}
    finally:
        web.close()
        worker.close()

    assert_exactly_the_table(scraped, before, after)
    assert scraped["paytoken_token_fetches_total"][2] == {"web": 1.0, "worker": 0.0}
    assert scraped["paytoken_cache_hits_total"][2]["web"] >= 1
    assert 119 <= scraped["paytoken_gateway_clock_skew_seconds"][2]["web"] <= 121
    assert "worker" not in scraped["paytoken_token_valid_for_seconds"][2]


def test_the_check_fails_when_a_name_drifts(sim: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    drifted = metrics.vocabulary()
    drifted[0] = {**drifted[0], "name": "paytoken_token_fetch_total"}
    monkeypatch.setattr(metrics, "vocabulary", lambda: drifted)
    client = paytoken.Client.portone_v2(api_secret="sim_portone_v2_api_secret", base_url=sim.url)
    try:
        found = mismatches(readme_table(), parse(scrape(metrics.PaytokenCollector(client))))
    finally:
        client.close()
    assert found == ["not in the README: paytoken_token_fetch_total",
                     "not emitted: paytoken_token_fetches_total"]


def test_closed_clients_are_skipped(sim: Any) -> None:
    client = paytoken.Client.portone_v2(api_secret="sim_portone_v2_api_secret", base_url=sim.url)
    collector = metrics.PaytokenCollector(client)
    client.close()
    assert parse(scrape(collector))["paytoken_token_fetches_total"][2] == {}


def test_import_paytoken_does_not_import_prometheus_client() -> None:
    code = "import sys, paytoken; sys.exit('prometheus_client' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
