"""RELIABILITY.md and its plot (an SVG written here, no plotting library), from one run
of soak/run.py --report. Only `make soak` writes them; `make test-soak` only asserts."""
import collections
import datetime
import os
import platform

import checks
from simulator import FAULTS

COLORS = {"c": "#1f77b4", "py": "#2ca02c", "node": "#d62728", "calls": "#444444"}
LANG_NAMES = {"c": "C", "py": "Python", "node": "Node"}


def calls_per_second(run):
    """{second: calls} summed over the drivers' ticks."""
    per = collections.Counter()
    for lang in run.langs:
        for e in run.events(lang):
            if e["ev"] == "tick":
                per[int(e["t"])] += e["calls"]
    return per


def polyline(points, x0, y0, w, h, xmax, ymax, color):
    if not points:
        return ""
    coords = " ".join("%.1f,%.1f" % (x0 + w * x / xmax, y0 + h - h * y / ymax) for x, y in points)
    return '<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>' % (color, coords)


def panel(title, series, x0, y0, w, h, xmax, unit):
    ymax = max([y for pts, _, _ in series for _, y in pts] + [1]) * 1.1
    out = ['<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>' % (x0, y0, w, h),
           '<text x="%d" y="%d" font-size="13" font-weight="bold">%s</text>' % (x0, y0 - 8, title)]
    for i in range(5):
        y = ymax * i / 4
        py = y0 + h - h * i / 4
        out.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end">%.0f</text>' % (x0 - 4, py + 3, y))
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/>' % (x0, x0 + w, py, py))
    for i in range(6):
        x = xmax * i / 5
        out.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle">%s</text>'
                   % (x0 + w * i / 5, y0 + h + 14, ("%.1f" if xmax < 600 else "%.0f") % (x / 60)))
    out.append('<text x="%d" y="%d" font-size="10" text-anchor="middle">minutes</text>' % (x0 + w / 2, y0 + h + 28))
    out.append('<text x="%d" y="%d" font-size="10" transform="rotate(-90 %d %d)" text-anchor="middle">%s</text>'
               % (x0 - 40, y0 + h / 2, x0 - 40, y0 + h / 2, unit))
    for k, (pts, color, label) in enumerate(series):
        out.append(polyline(pts, x0, y0, w, h, xmax, ymax, color))
        out.append('<text x="%d" y="%d" font-size="11" fill="%s">%s</text>' % (x0 + 8, y0 + 14 + 13 * k, color, label))
    return "\n".join(out)


def svg(run):
    xmax = max(run.seconds, 1)
    per = calls_per_second(run)
    rate = [(t, per[t]) for t in sorted(per) if t <= run.seconds]
    rss = [([(s[0], s[1] / 1024) for s in run.samples.get(lang, [])], COLORS[lang], LANG_NAMES[lang] + " driver")
           for lang in run.langs]
    heap = [([(e["t"], e["lib_kib"] / 1024) for e in run.events(lang) if e["ev"] == "tick" and "lib_kib" in e],
             COLORS[lang], LANG_NAMES[lang] + " driver") for lang in run.langs]
    body = [panel("Calls per second (all drivers)", [(rate, COLORS["calls"], "calls/s")], 70, 30, 620, 180, xmax, "calls/s"),
            panel("RSS of each driver process", rss, 70, 290, 620, 180, xmax, "MiB"),
            panel("The library's own heap in use (paytoken_heap_in_use)", heap, 70, 550, 620, 180, xmax, "MiB")]
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="720" height="780" font-family="sans-serif">\n'
            '<rect width="720" height="780" fill="white"/>\n%s\n</svg>\n' % "\n".join(body))


# How RSS growth was traced (issue 23): fixed figures of the experiments, not of this run.
RSS_EXPLAINED = (
    "**Why RSS used to climb with nothing leaking, and what changed.** A 30-minute soak saw the C "
    "driver's RSS climb 116 → 179 MiB (+186 MiB/h). Five-minute runs of the C driver alone, side by side "
    "on this machine (2026-12-02, load ~20), traced it. Before the change: RSS 72 → 110 MiB while malloc's "
    "16 arenas grew 55 → 97 MiB; once every call had finished the library held 3.9 MiB "
    "(`paytoken_heap_in_use`) and 97 of the arenas' 104 MiB were free, and `malloc_trim(0)` gave 45 MiB "
    "back (117 → 72 MiB). No leak, then: memory glibc kept. Why it kept it: glibc maps blocks of 128 KiB "
    "and more, but freeing one raises its mmap threshold to that block's size (up to 32 MiB) and its trim "
    "threshold to twice that; from then on the library's 128 KiB connection buffers and large answers were "
    "carved from the per-thread arenas (up to 8 × cores) and their memory stayed there. With the "
    "threshold pinned (`MALLOC_MMAP_THRESHOLD_=131072`) the arenas stayed at 2.9–6.0 MiB and RSS ended at "
    "23 MiB; `MALLOC_ARENA_MAX=2` only slowed the climb (66 → 81 MiB); a build without the wiping "
    "allocator climbed the same (71 → 109 MiB). Since then the library maps its blocks of 128 KiB and "
    "more itself and unmaps them when freed (`src/sys/big_blocks.rs`), so glibc's thresholds stay "
    "where the host set them; the tables above are this run's figures with that change.\n")


def fmt_res(t):
    return "%.1f MiB / %d / %d" % (t[0] / 1024, t[1], t[2])


def write(path, run, results):
    # The plot goes to soak/reliability.svg beside the report (as bench/chart.png does).
    svg_name = "soak/reliability.svg"
    svg_path = os.path.join(os.path.dirname(os.path.abspath(path)), svg_name)
    os.makedirs(os.path.dirname(svg_path), exist_ok=True)
    with open(svg_path, "w") as f:
        f.write(svg(run))
    fin = checks.finals(run)
    calls = sum(f["calls"] for f in fin.values() if f)
    per = calls_per_second(run)
    lost = sum(f["lost"] for f in fin.values() if f)
    doubles = sum(f["doubles"] for f in fin.values() if f)
    overruns = sum(f["overruns"] for f in fin.values() if f)
    worst = max(((f["worst_over_ms"], f["worst_op"], n) for n, f in fin.items() if f), default=(0, "", ""))
    errors = [sum(f["errors"][i] for f in fin.values() if f) for i in range(8)]
    status = "PASSED" if all(r.ok for r in results) else "FAILED"
    L = []
    L.append("# Reliability: the soak under faults\n")
    L.append("Written by `make soak` (`scripts/soak.sh` → `soak/run.py --report`); do not edit by hand. "
             "`make test-soak` runs the same assertions for a minute in `make test` without writing this file. "
             "`soak/sabotage.sh` shows each assertion failing when its property is broken on purpose.\n")
    L.append("**%s** on %s UTC: %d s (%.1f min), drivers %s, one `paytoken-sim` with tokens living %d s, "
             "gateway answers after %d ms, faults at %.1f/s on average (seed %d). Machine: %s, %d cores, "
             "load average %s at start and %s at the end (shared with other work).\n" % (
                 status, datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), run.seconds, run.seconds / 60,
                 ", ".join(LANG_NAMES[lang] for lang in run.langs), run.token_ttl, run.delay_ms, run.fault_rate,
                 run.seed, platform.machine(), os.cpu_count(), " ".join(run.load[0]), " ".join(run.load[1])))
    L.append("## Assertions\n")
    L.append("| check | result | figures |\n|---|---|---|")
    for r in results:
        L.append("| %s | %s | %s |" % (r.name, "ok" if r.ok else "**FAILED**", r.detail.replace("|", "/")))
    L.append("\n## Calls\n")
    rates = [per[t] for t in sorted(per)]
    L.append("| figure | value |\n|---|---|")
    L.append("| calls made (sync, async, token lookups, cancels, forks) | %d |" % calls)
    L.append("| calls per second (mean / lowest second / highest second) | %.0f / %d / %d |" % (
        calls / max(run.seconds, 1), min(rates or [0]), max(rates or [0])))
    L.append("| calls lost (never returned or called back) | %d |" % lost)
    L.append("| calls answered twice | %d |" % doubles)
    late = sum(f.get("late", 0) for f in fin.values() if f)
    L.append("| deadline overruns (past timeoutMs + one token fetch's %d ms + %d ms) | %d |" % (
        checks.TOKEN_FETCH_ALLOWANCE_MS, checks.SCHEDULING_MARGIN_MS, overruns))
    L.append("| worst call vs its own timeoutMs | %+.0f ms (%s, %s driver) |" % (
        worst[0], worst[1], LANG_NAMES.get(worst[2], worst[2])))
    L.append("| calls ending more than 250 ms past their own timeoutMs | %d |" % late)
    names = ["ok", "invalid argument", "auth", "gateway", "network", "timeout", "tls", "internal"]
    L.append("| errors by status (the faults' effect) | %s |" % ", ".join(
        "%s %d" % (names[i], errors[i]) for i in range(1, 8) if errors[i]))
    L.append("\n## Faults injected\n")
    L.append("Each fault applies to one request (count 1) of a random gateway unless it names one; "
             "applied = injected minus those still pending at the end. The simulator has no slow-body "
             "(trickle) fault: a streamed 2 MiB body, a truncated body and slow answers stand in for it.\n")
    L.append("| fault | injected | applied |\n|---|---|---|")
    for name, _, _ in FAULTS:
        L.append("| %s | %d | %d |" % (name, run.injected.get(name, 0), run.applied.get(name, 0)))
    L.append("| **total** | %d | %d |" % (sum(run.injected.values()), sum(run.applied.values())))
    L.append("\n## Token requests\n")
    L.append("Bound per gateway = processes caching its tokens × (2 × ⌈run / (lifetime − refreshBeforeSecs)⌉ + 2) "
             "+ 2 × token-endpoint faults applied + 2 × 401 faults applied + 2 × processes × revocations "
             "(+ forked children for PortOne V1, which they call). PortOne V1 extends a token asked for in its "
             "last minute by 5 minutes, so its count stays far below.\n")
    L.append("| gateway | token requests | bound | tokens issued | 401s sent |\n|---|---|---|---|---|")
    for g, (count, bound) in checks.token_bounds(run).items():
        L.append("| %s | %d | %d | %d | %d |" % (g, count, bound, run.stats["tokensIssued"][g], run.stats["unauthorized"][g]))
    L.append("\nRequests going back to a token the gateway had rejected to that client after the client had "
             "moved on to a fresher one (simulator counter `staleTokenUses`; a client is a `User-Agent`; 2 s "
             "grace for requests already on their way): %d.\n"
             % sum(run.stats.get("staleTokenUses", {}).values()))
    L.append("## Memory, threads, file descriptors\n")
    mib = lambda kib: "%.1f" % (kib / 1024)  # noqa: E731
    L.append("Sampled every second (RSS, threads, fds from /proc; the heap figures from each driver's "
             "ticks); warm-up is the first max(%d s, %d %%) of the run; \"after warm-up\" and \"end\" are "
             "medians of the first and last tenth after it. RSS / threads / fds:\n"
             % (checks.WARMUP_SECONDS, checks.WARMUP_SHARE * 100))
    L.append("| driver | start | after warm-up | end | slopes after warm-up: RSS, threads, fds per hour | RSS when done, before → after `malloc_trim(0)` |\n"
             "|---|---|---|---|---|---|")
    for lang in run.langs:
        r = checks.resources(run, lang)
        mem = checks.memory_end(run, lang)
        done = "%s → %s MiB" % (mib(mem["rss_kib"]), mib(mem["rss_trimmed_kib"])) if mem else "not reported"
        if r:
            L.append("| %s | %s | %s | %s | %+.1f MiB, %+.0f, %+.0f | %s |" % (
                LANG_NAMES[lang], fmt_res(r["start"]), fmt_res(r["warm"]), fmt_res(r["end"]),
                r["slopes"][0] / 1024, r["slopes"][1], r["slopes"][2], done))
    L.append("\nHeap, after warm-up → end (MiB; medians of the first and last tenth after warm-up; slope "
             "after warm-up per hour): the "
             "library's own (`paytoken_heap_in_use`: its blocks under 128 KiB come from malloc, bigger ones it "
             "maps itself), and again once every call had finished; the process's malloc (`mallinfo2`): in "
             "use and free in its arenas; the C driver's arenas (`malloc_info`); Node's JS heap:\n")
    L.append("| driver | library heap | library heap, no call running | malloc in use | malloc free | arenas: count, memory | JS heap |\n"
             "|---|---|---|---|---|---|---|")
    def span(s, lang=None, key=None):
        """after warm-up → end, with the slope per hour when asked."""
        if not s:
            return "—"
        text = "%s → %s" % (mib(s[0]), mib(s[1]))
        return text + (" (%+.1f/h)" % (checks.tick_slope(run, lang, key) / 1024) if key else "")
    for lang in run.langs:
        series = {k: checks.tick_series(run, lang, k)
                  for k in ("lib_kib", "malloc_kib", "free_kib", "arena_kib", "arenas", "js_kib")}
        mem = checks.memory_end(run, lang)
        arenas = "%d, %s" % (series["arenas"][1], span(series["arena_kib"])) if series["arenas"] else "—"
        L.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            LANG_NAMES[lang], span(series["lib_kib"], lang, "lib_kib"), mib(mem["lib_kib"]) if mem else "—",
            span(series["malloc_kib"], lang, "malloc_kib"), span(series["free_kib"]), arenas, span(series["js_kib"])))
    L.append("\n**Bounds** (`soak/checks.py`): with no call running the library holds at most %d MiB (64 "
             "pooled connections × 256 KiB of buffers + 4 MiB); from after warm-up to the end, malloc in use "
             "grows at most max(%d MiB, %d %%), RSS at most max(%d MiB, %d %%)%s as is or beyond the library heap (RSS "
             "follows the calls in flight, whose buffers are mapped and unmapped), and threads and fds end at "
             "most %.2g × the warm-up figure + %d.\n" % (
                 checks.IDLE_HEAP_KIB // 1024, checks.HEAP_GROWTH_KIB // 1024, checks.HEAP_GROWTH_SHARE * 100,
                 checks.RSS_GROWTH_KIB // 1024, checks.RSS_GROWTH_SHARE * 100,
                 (" (%d MiB in runs under %d s)" % (checks.SHORT_RUN_KIB // 1024, checks.SHORT_RUN_SECONDS)
                  if run.seconds < checks.SHORT_RUN_SECONDS else ""),
                 checks.RESOURCE_FACTOR, checks.THREADS_SLACK))
    L.append(RSS_EXPLAINED)
    L.append("\n![Calls per second, RSS and the library heap over the run](%s)\n" % svg_name)
    L.append("## What each driver does\n")
    L.append("- **C** (`soak/driver.c`): 6 threads of synchronous calls (lookups, token lookups, partial "
             "cancels of pre-created payments, a client created and freed per call, a `fork()`ed child "
             "every 5 s making a call) and 200 asynchronous calls (`paytoken_request_async`, "
             "`paytoken_get_token_async`) in flight; log records at info through `paytoken_log_configure`. "
             "It alone uses PortOne V2's token scheme (also its API secret).")
    L.append("- **Python** (`soak/driver.py`): 4 threads of `paytoken.Client` calls (same mix, a forked child every "
             "10 s) and an asyncio loop keeping 100 `AsyncClient` calls in flight; the `paytoken` logger at INFO.")
    L.append("- **Node** (`soak/driver.js`): 100 promises in flight (lookups, tokens, cancels, clients made and "
             "closed); `logs.on('log')`.")
    L.append("\nEvery call has a timeout (`timeoutMs`: lookups and tokens 2 s, cancels 4 s; PortOne V2 cancels "
             "with `retryUnknownOutcome`). A call is an overrun when it ends more than `allowed_over_ms()` = "
             "%d ms past it (`soak/checks.py`, the one place the drivers get it from): %d ms for one token "
             "fetch, which today has its own deadline (the config's `timeoutMs`, 2 s) before the request, "
             "and %d ms for a loaded machine's scheduling. Each payment gets at most one partial "
             "cancel (100 of 1000); the simulator's payment state then says how often each was processed, and "
             "its request log how often each NICEPAY POST was sent.\n" % (
                 checks.allowed_over_ms(), checks.TOKEN_FETCH_ALLOWANCE_MS, checks.SCHEDULING_MARGIN_MS))
    with open(path, "w") as f:
        f.write("\n".join(L))
