"""Turns the JSON lines of one `make bench` run into the table, BENCHMARKS.md and the chart.

    python report.py RESULTS.jsonl REPO_DIR [FAILED_PART ...]

Every bench program prints `{"id", "run", "value", "unit"}` per measurement and run. A
figure is the median over runs, with the spread (min-max) beside it. A ratio is taken
run by run between two figures of the same run (measured side by side, interleaved)
and then summarised the same way, so drift between runs cancels out.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

Runs = Dict[int, float]


@dataclass
class Figure:
    """A measured value (ns per call, or a count): lower is better."""
    label: str
    id: str
    target_max: Optional[float] = None  # in the figure's unit
    worst_run: bool = False  # judge the worst run, not the median (counts that must hold every time)


@dataclass
class Ratio:
    """num/den run by run. `higher_is_better`: a speed-up (den is the baseline's time)."""
    label: str
    num: str
    den: str
    target: Optional[float] = None
    higher_is_better: bool = True
    chart: Optional[str] = None  # label in the chart of speed-ups


@dataclass
class Section:
    title: str


Row = Union[Section, Figure, Ratio]

US, MS = 1e3, 1e6
ROWS: List[Row] = [
    Section("Cached token (warm cache), per call"),
    Figure("C: `paytoken_get_token` + `paytoken_string_free`, 1 thread", "c.token.1", 150),
    Figure("C reference: atomic load of a cached string + malloc, copy, free (same length)", "c.token.bare"),
    Ratio("C: paytoken / the reference", "c.token.1", "c.token.bare", 2.0, higher_is_better=False),
    Figure("C: the contract's floor: the reference + zeroing `paytoken_error`, a clock read, the wipe", "c.token.floor"),
    Ratio("C: the contract's floor / the reference", "c.token.floor", "c.token.bare", higher_is_better=False),
    Ratio("C: paytoken / the contract's floor", "c.token.1", "c.token.floor", higher_is_better=False),
    Figure("C: the same, every core calling (per call, per thread)", "c.token.all"),
    Ratio("C: every core / 1 thread", "c.token.all", "c.token.1", 2.0, higher_is_better=False),
    Figure("Python: `client.token()`", "py.token", 5 * US),
    Figure("Python reference: bare ctypes `paytoken_get_token_cached` + free", "py.token.bare"),
    Ratio("Python: `token()` / bare FFI", "py.token", "py.token.bare", 1.5, higher_is_better=False),
    Figure("PHP: `$client->token()`", "php.token", 5 * US),
    Figure("PHP reference: bare FFI `paytoken_get_token_cached` + free", "php.token.bare"),
    Ratio("PHP: `token()` / bare FFI", "php.token", "php.token.bare", 1.5, higher_is_better=False),
    Figure("Node: `pg.tokenSync()`", "node.token.sync", 3 * US),
    Figure("Node reference: bare koffi `paytoken_get_token_cached` + free", "node.token.bare"),
    Ratio("Node: `tokenSync()` / bare FFI", "node.token.sync", "node.token.bare", 1.5, higher_is_better=False),
    Figure("Node: `await pg.token()` (cached, no thread hop)", "node.token.async"),
    Ratio("Node: `await pg.token()` / `pg.tokenSync()`", "node.token.async", "node.token.sync", 2.0,
          higher_is_better=False),
    Figure("Python: `await client.token()` (AsyncClient, cached)", "py.token.await"),
    Figure("Python: `client.token()` in the same run", "py.token.sync_same_run"),
    Ratio("Python: `await token()` / `token()`", "py.token.await", "py.token.sync_same_run", 2.0,
          higher_is_better=False),
    Figure("Java: `client.tokenAsync().join()` (cached)", "java.token.async"),
    Figure("Java: `client.token()` in the same run", "java.token.sync_same_run"),
    Ratio("Java: `tokenAsync()` / `token()`", "java.token.async", "java.token.sync_same_run", 2.0,
          higher_is_better=False),
    Figure("Java: `client.token()`", "java.token", 5 * US),
    Figure("Java reference: bare JNA `paytoken_get_token_cached` + free", "java.token.bare"),
    Ratio("Java: `token()` / bare FFI", "java.token", "java.token.bare", 1.5, higher_is_better=False),
    Section("Request overhead: authorized keep-alive GET, loopback, per call"),
    Figure("Rust: `paytoken_request`", "rust.request.paytoken"),
    Figure("Rust: bare `ureq` agent, same token", "rust.request.ureq"),
    Figure("Rust: `ureq` with paytoken's deadlines, default resolver (a thread per request)",
           "rust.request.ureq_deadlines"),
    Figure("Rust: `ureq` with those deadlines and an inline resolver", "rust.request.ureq_deadlines_inline_resolver"),
    Ratio("paytoken / bare ureq (its overhead)", "rust.request.paytoken", "rust.request.ureq", 1.10,
          higher_is_better=False),
    Section("Authorized requests from each language (sequential GET, loopback), per call"),
    Figure("Python: paytoken `client.get()`", "py.request.paytoken"),
    Figure("Python: `requests.Session().get()`", "py.request.requests"),
    Ratio("Python: paytoken req/s ÷ requests req/s", "py.request.requests", "py.request.paytoken", 1.0,
          chart="Python: vs requests.Session"),
    Figure("PHP: paytoken `$client->get()`", "php.request.paytoken"),
    Figure("PHP: curl, one handle reused", "php.request.curl_reused"),
    Figure("PHP: curl, a new handle per call", "php.request.curl_new"),
    Ratio("PHP: paytoken req/s ÷ reused curl handle", "php.request.curl_reused", "php.request.paytoken", 1.0,
          chart="PHP: vs reused curl handle"),
    Ratio("PHP: paytoken req/s ÷ new curl handle per call", "php.request.curl_new", "php.request.paytoken",
          chart="PHP: vs new curl handle per call"),
    Figure("Node: paytoken `await pg.get()`", "node.request.paytoken"),
    Figure("Node: built-in `fetch()`", "node.request.fetch"),
    Ratio("Node: paytoken req/s ÷ fetch req/s", "node.request.fetch", "node.request.paytoken", 1.0,
          chart="Node: vs fetch"),
    Figure("Java: paytoken `client.request()`", "java.request.paytoken"),
    Figure("Java: `java.net.http.HttpClient`", "java.request.httpclient"),
    Ratio("Java: paytoken req/s ÷ HttpClient req/s", "java.request.httpclient", "java.request.paytoken", 1.0,
          chart="Java: vs HttpClient"),
    Ratio("Rust: paytoken req/s ÷ bare ureq req/s", "rust.request.ureq", "rust.request.paytoken",
          0.91, chart="Rust: vs bare ureq"),  # the ≤ 10 % overhead target, as a speed

    Section("Real world: 100 sequential calls over TLS to a gateway 10 ms away"),
    Figure("Rust: official V1 clients' pattern (token fetch + new TLS connection per call)",
           "rust.realworld.official"),
    Figure("Rust: paytoken, cached token, pooled connection (1 fetch, 1 handshake)", "rust.realworld.paytoken"),
    Ratio("Rust: speed-up", "rust.realworld.official", "rust.realworld.paytoken", 3.0,
          chart="100 calls over TLS, 10 ms RTT:\nvs official V1 clients' pattern"),
    Figure("PHP: official client's pattern (new curl handles for token and call)", "php.realworld.official"),
    Figure("PHP: paytoken (1 fetch, 1 handshake)", "php.realworld.paytoken"),
    Ratio("PHP: speed-up", "php.realworld.official", "php.realworld.paytoken", 3.0,
          chart="PHP, 100 calls over TLS, 10 ms RTT:\nvs the official PHP client's pattern"),
    Section("256 calls in flight at once, gateway answering in 200 ms: time for the whole burst"),
    Figure("Node: paytoken (library I/O threads)", "node.conc256.paytoken"),
    Figure("Node: built-in `fetch()`", "node.conc256.fetch"),
    Ratio("Node: paytoken throughput ÷ fetch", "node.conc256.fetch", "node.conc256.paytoken", 1.0,
          chart="Node, 256 in flight:\nvs fetch"),
    Figure("Node: paytoken I/O threads midway (count)", "node.conc256.threads"),
    Figure("Node: RSS added by paytoken midway (MiB)", "node.conc256.rss"),
    Figure("Python: paytoken (library I/O threads)", "py.conc256.paytoken"),
    Figure("Python: `aiohttp` (unlimited connector)", "py.conc256.aiohttp"),
    Ratio("Python: paytoken throughput ÷ aiohttp", "py.conc256.aiohttp", "py.conc256.paytoken", 1.0,
          chart="Python, 256 in flight:\nvs aiohttp"),
    Figure("Python: paytoken I/O threads midway (count)", "py.conc256.threads"),
    Figure("Python: RSS added by paytoken midway (MiB)", "py.conc256.rss"),
    Figure("Java: paytoken (library I/O threads)", "java.conc256.paytoken"),
    Figure("Java: `HttpClient.sendAsync`", "java.conc256.httpclient"),
    Ratio("Java: paytoken throughput ÷ httpclient", "java.conc256.httpclient", "java.conc256.paytoken", 1.0,
          chart="Java, 256 in flight:\nvs httpclient"),
    Figure("Java: paytoken I/O threads midway (count)", "java.conc256.threads"),
    Figure("Java: RSS added by paytoken midway (MiB)", "java.conc256.rss"),
    Section("1000 calls in flight at once, gateway answering in 1 s: time for the whole burst"),
    Figure("Node: paytoken (library I/O threads)", "node.conc1000.paytoken"),
    Figure("Node: built-in `fetch()`", "node.conc1000.fetch"),
    Ratio("Node: paytoken throughput ÷ fetch", "node.conc1000.fetch", "node.conc1000.paytoken", 1.0,
          chart="Node, 1000 in flight:\nvs fetch"),
    Figure("Node: paytoken I/O threads midway (count)", "node.conc1000.threads"),
    Figure("Node: RSS added by paytoken midway (MiB)", "node.conc1000.rss"),
    Figure("Python: paytoken (library I/O threads)", "py.conc1000.paytoken"),
    Figure("Python: `aiohttp` (unlimited connector)", "py.conc1000.aiohttp"),
    Ratio("Python: paytoken throughput ÷ aiohttp", "py.conc1000.aiohttp", "py.conc1000.paytoken", 1.0,
          chart="Python, 1000 in flight:\nvs aiohttp"),
    Figure("Python: paytoken I/O threads midway (count)", "py.conc1000.threads"),
    Figure("Python: RSS added by paytoken midway (MiB)", "py.conc1000.rss"),
    Figure("Java: paytoken (library I/O threads)", "java.conc1000.paytoken"),
    Figure("Java: `HttpClient.sendAsync`", "java.conc1000.httpclient"),
    Ratio("Java: paytoken throughput ÷ httpclient", "java.conc1000.httpclient", "java.conc1000.paytoken", 1.0,
          chart="Java, 1000 in flight:\nvs httpclient"),
    Figure("Java: paytoken I/O threads midway (count)", "java.conc1000.threads"),
    Figure("Java: RSS added by paytoken midway (MiB)", "java.conc1000.rss"),
    Section("Short-lived processes over TLS to a gateway 10 ms away: host-wide cache (`cacheDir`) on and off"),
    Figure("`paytoken request`: 20 sequential runs, host cache on (total)", "cli.seq20.cache.time"),
    Figure("  token requests made", "cli.seq20.cache.token_requests", 1, worst_run=True),
    Figure("`paytoken request`: 20 sequential runs, host cache off (total)", "cli.seq20.nocache.time"),
    Figure("  token requests made", "cli.seq20.nocache.token_requests"),
    Ratio("`paytoken request`: speed-up from the host cache", "cli.seq20.nocache.time", "cli.seq20.cache.time",
          chart="20 `paytoken request` runs:\nhost cache on vs off"),
    Figure("`paytoken request`: 32 processes started together, cold host cache (until all exit)",
           "cli.cold32.time"),
    Figure("  token requests made", "cli.cold32.token_requests", 1, worst_run=True),
    Figure("PHP CLI (`php` + FFI, one GET): 20 sequential runs, `cacheDir` set (total)", "php.cli.seq20.cache.time"),
    Figure("  token requests made", "php.cli.seq20.cache.token_requests", 1, worst_run=True),
    Figure("PHP CLI: 20 sequential runs, no `cacheDir` (total)", "php.cli.seq20.nocache.time"),
    Figure("  token requests made", "php.cli.seq20.nocache.token_requests"),
    Ratio("PHP CLI: speed-up from the host cache", "php.cli.seq20.nocache.time", "php.cli.seq20.cache.time",
          chart="20 PHP CLI runs:\nhost cache on vs off"),
    Figure("PHP CLI: 32 processes started together, cold host cache (until all exit)", "php.cli.cold32.time"),
    Figure("  token requests made", "php.cli.cold32.token_requests", 1, worst_run=True),
    Section("Stampede: 64 threads, cold cache, token endpoint answering in 200 ms"),
    Figure("token requests made", "rust.stampede.token_requests", 1, worst_run=True),
    Figure("time until all 64 are served", "rust.stampede.all_served"),
]


def load(path: Path) -> Tuple[Dict[str, Runs], Dict[str, str]]:
    runs: Dict[str, Runs] = defaultdict(dict)
    units: Dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            runs[record["id"]][int(record["run"])] = float(record["value"])
            units[record["id"]] = record["unit"]
    return runs, units


def fmt_ns(ns: float) -> str:
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}" if ns / scale < 100 else f"{ns / scale:.0f} {unit}"
    return f"{ns:.3g} ns" if ns < 100 else f"{ns:.0f} ns"


def fmt_value(value: float, unit: str) -> str:
    return fmt_ns(value) if unit == "ns" else f"{value:g}"


@dataclass
class Line:
    label: str
    median: str
    spread: str
    target: str
    verdict: str  # "ok", "MISS", "" (no target) or "not run"
    ratio: Optional[float] = None
    chart: Optional[str] = None


def summarise(row: Union[Figure, Ratio], runs: Dict[str, Runs], units: Dict[str, str]) -> Line:
    if isinstance(row, Figure):
        values = runs.get(row.id, {})
        if not values:
            return Line(row.label, "—", "—", "", "not run")
        unit = units[row.id]
        series = sorted(values.values())
        median = statistics.median(series)
        judged = series[-1] if row.worst_run else median
        target, verdict = "", ""
        if row.target_max is not None:
            target = ("every run " if row.worst_run else "") + f"≤ {fmt_value(row.target_max, unit)}"
            verdict = "ok" if judged <= row.target_max else "MISS"
        spread = f"{fmt_value(series[0], unit)} – {fmt_value(series[-1], unit)}"
        return Line(row.label, fmt_value(median, unit), spread, target, verdict)
    num, den = runs.get(row.num, {}), runs.get(row.den, {})
    paired = sorted(num[r] / den[r] for r in num.keys() & den.keys())
    if not paired:
        return Line(row.label, "—", "—", "", "not run", chart=row.chart)
    median = statistics.median(paired)
    target, verdict = "", ""
    if row.target is not None:
        target = f"{'≥' if row.higher_is_better else '≤'} {row.target:g}×"
        met = median >= row.target if row.higher_is_better else median <= row.target
        verdict = "ok" if met else "MISS"
    return Line(row.label, f"{median:.2f}×", f"{paired[0]:.2f} – {paired[-1]:.2f}", target, verdict,
                ratio=median, chart=row.chart)


def command_output(*command: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
        return (done.stdout or done.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "not found"


def machine(repo: Path) -> List[Tuple[str, str]]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    memory_gib = int(memory.split()[0]) / 1024 / 1024
    os_name = next((line.split("=", 1)[1].strip('"') for line in Path("/etc/os-release").read_text().splitlines()
                    if line.startswith("PRETTY_NAME=")), platform.system())
    load = end_load()
    return [
        ("date", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("commit", command_output("git", "-C", str(repo), "rev-parse", "--short", "HEAD") + _local_changes(repo)),
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("memory", f"{memory_gib:.0f} GiB"),
        ("OS", f"{os_name}, Linux {platform.release()}"),
        ("load average (1, 5, 15 min)", f"{os.environ.get('BENCH_LOAD_START', '?')} at the start, "
                                        f"{' '.join(load)} at the end (the run refuses above "
                                        f"{os.environ.get('BENCH_MAX_LOAD_START', '?')} at the start, "
                                        f"{os.environ.get('BENCH_MAX_LOAD_END', '?')} at the end)"),
        ("Rust", command_output("rustc", "--version")),
        ("Python", platform.python_version() + ", requests " + _version_of("requests")),
        ("PHP", command_output("php", "-r", "echo PHP_VERSION, ', curl ', curl_version()['version'];")),
        ("Node", command_output("node", "-v")),
        ("Java", command_output("java", "-version")),
    ]


def end_load() -> List[str]:
    """The 1, 5 and 15 minute load averages now (BENCH_LOADAVG_FILE: the test's stand-in)."""
    return Path(os.environ.get("BENCH_LOADAVG_FILE", "/proc/loadavg")).read_text().split()[:3]


def load_gate() -> Optional[str]:
    """Why this run's figures are not paytoken's (the machine was busy), or None."""
    start = os.environ.get("BENCH_LOAD_START", "").split()
    max_start = float(os.environ["BENCH_MAX_LOAD_START"])
    max_end = float(os.environ["BENCH_MAX_LOAD_END"])
    end = float(end_load()[0])
    busy = []
    if not start or float(start[0]) > max_start:
        busy.append(f"the load average was {start[0] if start else 'unknown'} at the start (limit {max_start:g})")
    if end > max_end:
        busy.append(f"it was {end:g} at the end (limit {max_end:g})")
    return " and ".join(busy) or None


# The bare references: the same few instructions in every run, so their run-to-run spread
# is the host's noise. CPU time taken by other guests of a VM host does not show in the
# guest's load average: on 2026-12-03 a run at load 0.65 had its references move by
# 1.6-2.0x from run to run (a quiet run: 1.02-1.4x) and published misses that quiet runs
# of the same code did not show.
REFERENCES = ("c.token.bare", "py.token.bare", "php.token.bare", "node.token.bare", "java.token.bare")


def noise_gate(runs: Dict[str, "Runs"]) -> Optional[str]:
    """Why this run's figures are noise (its references moved too much), or None."""
    limit = float(os.environ.get("BENCH_MAX_NOISE", "1.5"))
    spreads = sorted(max(values) / min(values) for values in
                     (list(runs[ref].values()) for ref in REFERENCES if ref in runs)
                     if len(values) >= 3 and min(values) > 0)
    if not spreads:
        return None
    median = statistics.median(spreads)
    if median <= limit:
        return None
    return (f"the bare references moved by {median:.2f}x from run to run (median of {len(spreads)}, "
            f"slowest run ÷ fastest; limit {limit:g}, BENCH_MAX_NOISE): the host is noisy")


def _local_changes(repo: Path) -> str:
    """Flags a run of code that differs from the commit (documents aside: they change no figure)."""
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                            capture_output=True, text=True).stdout.splitlines()
    changed = [line[3:] for line in status if not line[3:].endswith((".md", ".png"))]
    return f" with local changes to {', '.join(changed)}" if changed else ""


def _version_of(module: str) -> str:
    try:
        return str(__import__(module).__version__)
    except ImportError:
        return "not installed"


def table(lines: Sequence[Union[Section, Line]], unreliable: bool = False) -> List[str]:
    out = ["| benchmark | median | spread (min – max) | target | |", "|---|---:|---:|---|---|"]
    for line in lines:
        if isinstance(line, Section):
            out.append(f"| **{line.title}** | | | | |")
        else:
            mark = {"ok": "✅", "MISS": "❌ **MISS**", "not run": "⚠️ not run"}.get(line.verdict, "")
            if unreliable and line.verdict != "not run":
                mark = f"⚠️ UNRELIABLE (busy or noisy machine) {mark}".rstrip()
            out.append(f"| {line.label} | {line.median} | {line.spread} | {line.target} | {mark} |")
    return out


def print_table(lines: Sequence[Union[Section, Line]]) -> None:
    width = max(len(_plain(line.label)) for line in lines if isinstance(line, Line))
    for line in lines:
        if isinstance(line, Section):
            print(f"\n{line.title}")
            continue
        verdict = {"ok": "ok", "MISS": "MISS", "not run": "NOT RUN"}.get(line.verdict, "")
        print(f"  {_plain(line.label):<{width}}  {line.median:>10}  [{line.spread:>19}]  {line.target:<18} {verdict}")


def _plain(text: str) -> str:
    return text.replace("`", "")


def chart(lines: Sequence[Union[Section, Line]], runs: Dict[str, Runs], path: Path) -> None:
    # Imported here: the load gate's refusal needs no plotting library.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    token_bars = [(_plain(row.label).split(" (")[0].replace(" + paytoken_string_free", ""),
                   statistics.median(runs[row.id].values()))
                  for row in ROWS if isinstance(row, Figure) and ".token." in row.id + "." and runs.get(row.id)]
    speedups = [(line.chart, line.ratio, line.verdict) for line in lines
                if isinstance(line, Line) and line.chart and line.ratio is not None]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 8.5), gridspec_kw={"height_ratios": [len(token_bars) or 1,
                                                                                             len(speedups) or 1]})
    names = [name for name, _ in token_bars][::-1]
    values = [value for _, value in token_bars][::-1]
    top.barh(names, values, color="#4c72b0")
    top.set_xscale("log")
    top.set_xlabel("nanoseconds per call (log scale, lower is better)")
    top.set_title("Cached token, per call")
    for y, value in enumerate(values):
        top.text(value, y, " " + fmt_ns(value), va="center", fontsize=9)
    top.set_xlim(right=max(values, default=1) * 8)

    names = [name for name, _, _ in speedups][::-1]
    values = [value for _, value, _ in speedups][::-1]
    # Green: target met (or faster, where there is no target); red: target missed.
    colours = ["#c44e52" if verdict == "MISS" or (not verdict and value < 1) else "#55a868"
               for _, value, verdict in speedups][::-1]
    bottom.barh(names, values, color=colours)
    bottom.axvline(1.0, color="black", linewidth=0.8)
    bottom.set_xlabel("paytoken's speed ÷ the usual way's (higher is better; 1 = equal; red = target missed)")
    bottom.set_title("Authorized requests: paytoken vs the client shops use today")
    for y, value in enumerate(values):
        bottom.text(value, y, f" {value:.2f}×", va="center", fontsize=9)
    bottom.set_xlim(0, max(values, default=1) * 1.2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    results, repo = Path(sys.argv[1]), Path(sys.argv[2])
    failed = sys.argv[3:]
    runs, units = load(results)
    lines: List[Union[Section, Line]] = [row if isinstance(row, Section) else summarise(row, runs, units)
                                         for row in ROWS]
    print_table(lines)
    misses = [line.label for line in lines if isinstance(line, Line) and line.verdict == "MISS"]
    print(f"\n{len(misses)} target(s) missed" + (": " + "; ".join(_plain(m) for m in misses) if misses else ""))
    if failed:
        print("FAILED bench parts: " + ", ".join(failed))

    busy = " and ".join(reason for reason in (load_gate(), noise_gate(runs)) if reason) or None
    forced = os.environ.get("BENCH_FORCE_LOAD") == "1"
    if busy and not forced:
        # The figures stay readable for whoever ran it, but nothing is published.
        refused = results.parent / "BENCHMARKS.refused.md"
        refused.write_text("\n".join([f"Not published: {busy}.", "", *table(lines, unreliable=True), ""]))
        print(f"REFUSED to write BENCHMARKS.md: {busy}; other work skews every figure. "
              f"The table is in {refused}. Run again on a quiet machine.", file=sys.stderr)
        return 3
    warning = ([f"> ⚠️ **UNRELIABLE: written with `BENCH_FORCE_LOAD=1` although {busy}.** Other work "
                "on the machine skews every figure below; do not publish this file.", ""] if busy else [])
    if busy:
        print(f"UNRELIABLE (BENCH_FORCE_LOAD=1): {busy}; every figure is marked", file=sys.stderr)

    chart_path = repo / "bench" / "chart.png"
    chart(lines, runs, chart_path)
    runs_per_id = sorted({len(v) for v in runs.values()})
    head = (repo / "bench" / "BENCHMARKS.head.md").read_text()
    analysis = (repo / "bench" / "BENCHMARKS.analysis.md").read_text()
    document = [*warning, head.rstrip(), "",
                "## The run", "",
                *[f"- **{name}**: {value}" for name, value in machine(repo)],
                f"- **runs per figure**: {', '.join(map(str, runs_per_id))}",
                *([f"- **FAILED bench parts**: {', '.join(failed)}"] if failed else []), "",
                *warning, *table(lines, unreliable=bool(busy)), "",
                f"{len(misses)} target(s) missed" + (": " + "; ".join(misses) + "." if misses else "."), "",
                "![paytoken benchmarks](bench/chart.png)", "",
                analysis.rstrip(), ""]
    (repo / "BENCHMARKS.md").write_text("\n".join(document))
    print(f"wrote {repo / 'BENCHMARKS.md'} and {chart_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
