"""The soak's assertions over one run's files, the simulator's counters and state, and
the resource samples. Each check returns a Result(name, ok, detail); soak/sabotage.sh
breaks each property on purpose and expects its check (by name) to fail."""
import collections
import dataclasses
import glob
import json
import math
import os
import re

from simulator import AUTH_FAULTS, SECRETS, TOKEN_FAULTS

# How late a call may end, decided here only (soak/run.py passes allowed_over_ms() to the
# drivers as SOAK_OVER_MS). Today a call's timeoutMs bounds its request, not the whole
# call: a token fetch before it has its own deadline (the config's timeoutMs, 2 s in
# every driver), so a call may take its timeout plus one fetch's. SCHEDULING_MARGIN_MS is
# what a loaded shared machine adds (threads waiting for a core).
TOKEN_FETCH_ALLOWANCE_MS = 2000
SCHEDULING_MARGIN_MS = 1500


def allowed_over_ms():
    """Milliseconds past its own timeoutMs after which a call is an overrun. Once a call's
    timeoutMs is a whole-call deadline (token fetch, request and 401 retry share it), set
    TOKEN_FETCH_ALLOWANCE_MS to 0: only the scheduling margin is left."""
    return TOKEN_FETCH_ALLOWANCE_MS + SCHEDULING_MARGIN_MS


REFRESH_BEFORE = {"nicepay": 0, "portone-v1": 2, "portone-v2": 2}  # the drivers' configs
TOKEN_USERS = {"nicepay": ("c", "py", "node"), "portone-v1": ("c", "py", "node"), "portone-v2": ("c",)}
# Resources, from the end of warm-up to the end of the run. Each driver reports in its
# ticks the library's own heap in use (paytoken_heap_in_use) and its process's malloc in
# use and free (mallinfo2), and when every call has finished ("memory_end") the library
# heap again and RSS before and after malloc_trim(0). The rules:
# - the library heap with no call running is at most IDLE_HEAP_KIB: a leak in the
#   library, however slow, piles up there (while calls run it swings with the calls in
#   flight, each holding its connection's two 128 KiB buffers, so it is only reported);
# - malloc in use (the host's blocks and the library's blocks under 128 KiB; bigger ones
#   the library maps itself, sys/big_blocks.rs) grows at most
#   max(HEAP_GROWTH_KIB, HEAP_GROWTH_SHARE): a leak anywhere in the process;
# - RSS grows at most max(RSS_GROWTH_KIB, RSS_GROWTH_SHARE), as is or beyond the library heap:
#   memory the process keeps without a leak (glibc's arenas holding freed memory:
#   RELIABILITY.md shows how that looked before big_blocks.rs). The library heap is
#   taken out because RSS follows the calls in flight (their buffers are mapped and
#   unmapped), which would make a minute's medians swing by tens of MiB;
# - threads and fds.
RSS_GROWTH_KIB, RSS_GROWTH_SHARE = 16 * 1024, 0.20
HEAP_GROWTH_KIB, HEAP_GROWTH_SHARE = 16 * 1024, 0.20
# What the library may hold once every call has finished: its clients, cached tokens and
# pooled connections, at most 64 idle connections (transport/http.rs) × 256 KiB of
# buffers, plus 4 MiB.
IDLE_HEAP_KIB = 64 * 256 + 4 * 1024
# RSS in a run shorter than this: a tenth after warm-up is 3 samples, and RSS follows the
# calls in flight (the C driver's swings 20-70 MiB within seconds; a 60 s test-soak saw
# +24 MiB with the library heap 4.1 MiB once the calls were done), while V8, koffi and
# CPython grow their pools lazily (CI saw Node +44 MiB in 60 s). The short soak allows
# SHORT_RUN_KIB of RSS there; leaks are still caught exactly by the library heap with no
# call running and by malloc in use (the leak-response sabotage fails on both). The
# 10-minute soak keeps the bounds above.
SHORT_RUN_SECONDS, SHORT_RUN_KIB = 300, 64 * 1024
WARMUP_SECONDS, WARMUP_SHARE = 30, 0.20
# Threads and fds follow the calls in flight (the library's I/O threads live 10 s idle).
THREADS_SLACK, FDS_SLACK, RESOURCE_FACTOR = 32, 32, 1.5


@dataclasses.dataclass
class Result:
    name: str
    ok: bool
    detail: str


@dataclasses.dataclass
class Run:
    work: str
    langs: list
    seconds: int
    token_ttl: int
    samples: dict
    hung: list
    exit_codes: dict
    applied: collections.Counter
    injected: collections.Counter
    by_gateway: dict
    stats: dict
    payments: list
    nicepay_posts: collections.Counter
    nicepay_posts_refused: collections.Counter
    sim_stderr: list
    sabotage: str
    fault_rate: float
    load: tuple
    seed: int
    delay_ms: int

    def events(self, lang):
        path = os.path.join(self.work, lang + ".events")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]


def finals(run):
    out = {}
    for lang in run.langs:
        f = [e for e in run.events(lang) if e["ev"] == "final"]
        out[lang] = f[-1] if f else None
    return out


def check_returns(run):
    fin = finals(run)
    problems = ["%s hung" % n for n in run.hung]
    problems += ["%s exited %s" % (n, c) for n, c in run.exit_codes.items() if c not in (0, None)]
    problems += ["%s wrote no final summary" % n for n, f in fin.items() if f is None]
    overdue = sum(1 for lang in run.langs for e in run.events(lang) if e["ev"] in ("overdue", "fork_hang"))
    overruns = sum(f["overruns"] for f in fin.values() if f)
    worst = max(((f["worst_over_ms"], f["worst_op"], n) for n, f in fin.items() if f), default=(0, "", ""))
    if overdue:
        problems.append("%d calls overdue while running" % overdue)
    bound = "timeout + %d ms token fetch + %d ms" % (TOKEN_FETCH_ALLOWANCE_MS, SCHEDULING_MARGIN_MS)
    if overruns:
        problems.append("%d calls past %s" % (overruns, bound))
    late = sum(f.get("late", 0) for f in fin.values() if f)
    detail = "worst: %.0f ms past its own timeoutMs (%s, %s); %d calls > 250 ms past it; %s" % (
        worst[0], worst[2], worst[1], late,
        "; ".join(problems) or "none past " + bound)
    return Result("deadlines", not problems, detail)


def check_callbacks(run):
    fin = finals(run)
    lost = sum(f["lost"] for f in fin.values() if f)
    lost_events = sum(1 for lang in run.langs for e in run.events(lang) if e["ev"] == "lost")
    doubles = sum(f["doubles"] for f in fin.values() if f)
    lost = max(lost, lost_events)
    return Result("exactly-once callbacks", lost == 0 and doubles == 0,
                  "lost %d, answered twice %d" % (lost, doubles))


def check_stale_tokens(run):
    per = run.stats.get("staleTokenUses")
    if per is None:
        return Result("no rejected token reused", False, "the simulator has no staleTokenUses counter")
    n = sum(per.values())
    return Result("no rejected token reused", n == 0,
                  "%d requests went back to a token the gateway had rejected to that client after it had "
                  "moved on to a fresher one (%s)" % (n, ", ".join("%s %d" % kv for kv in per.items())))


def token_bounds(run):
    forks = sum(1 for lang in run.langs for e in run.events(lang) if e["ev"] == "fork")
    out = {}
    for gateway, users in TOKEN_USERS.items():
        holders = len([u for u in users if u in run.langs])
        period = max(1, run.token_ttl - REFRESH_BEFORE[gateway])
        applied = run.by_gateway.get(gateway, {})
        token_faults = sum(v for k, v in applied.items() if k in TOKEN_FAULTS)
        auth_faults = sum(v for k, v in applied.items() if k in AUTH_FAULTS)
        revokes = applied.get("revoke all tokens", 0)
        bound = (holders * (2 * math.ceil(run.seconds / period) + 2) + 2 * token_faults + 2 * auth_faults
                 + 2 * holders * revokes + (forks if gateway == "portone-v1" else 0))
        out[gateway] = (run.stats["tokenRequests"][gateway], bound)
    return out


def check_token_requests(run):
    bounds = token_bounds(run)
    over = {g: cb for g, cb in bounds.items() if cb[0] > cb[1]}
    detail = ", ".join("%s %d ≤ %d" % (g, c, b) if (g not in over) else "%s %d > %d" % (g, c, b)
                       for g, (c, b) in bounds.items())
    return Result("token requests bounded", not over, detail)


def check_resends(run):
    """A NICEPAY POST may be sent again only after the gateway refused it with 401 (not
    processed; the library retries once with a fresh token)."""
    refused = run.nicepay_posts_refused
    resent = {p: n for p, n in run.nicepay_posts.items() if n - refused.get(p, 0) > 1}
    after_401 = sum(min(n - 1, refused.get(p, 0)) for p, n in run.nicepay_posts.items() if n > 1)
    return Result("no unsafe resend", not resent,
                  "%d NICEPAY POSTs, %d resent after a 401, %d resent unsafely%s" % (
                      sum(run.nicepay_posts.values()), after_401, len(resent),
                      (": " + ", ".join(list(resent)[:3])) if resent else ""))


def check_processed_once(run):
    soak = [p for p in run.payments if p["id"].startswith("soak-")]
    twice = [p["id"] for p in soak if len(p.get("cancellations") or []) > 1]
    cancelled = {p["id"] for p in soak if p.get("cancellations")}
    answered = set()
    for lang in run.langs:
        for e in run.events(lang):
            if e["ev"] == "cancel" and e.get("confirmed"):
                answered.add(e["id"])
    missing = answered - cancelled
    total = sum(len(p.get("cancellations") or []) for p in soak)
    processed = sum(run.stats["processed"].values())
    ok = not twice and not missing and total == processed
    return Result("processed exactly once", ok,
                  "%d cancels processed (simulator count %d), %d payments processed twice, "
                  "%d cancels confirmed by the gateway's answer but not processed" % (total, processed, len(twice),
                                                                          len(missing)))


def slope_per_hour(points):
    """Least-squares slope of (seconds, value) points, per hour."""
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    var = sum((t - mt) ** 2 for t, _ in points) or 1
    return sum((t - mt) * (v - mv) for t, v in points) / var * 3600


def resources(run, lang):
    """start, after warm-up and end (rss KiB, threads, fds), and their slopes after
    warm-up per hour (slope_kib_h for RSS, slopes for all three)."""
    s = run.samples.get(lang) or []
    if len(s) < 6:
        return None
    after = [x for x in s if x[0] >= warm_at(run)] or s[-3:]
    tail = after[-max(3, len(after) // 10):]
    head = after[:max(3, len(after) // 10)]
    med = lambda rows, i: sorted(r[i] for r in rows)[len(rows) // 2]  # noqa: E731
    slopes = tuple(slope_per_hour([(r[0], r[i]) for r in after]) for i in (1, 2, 3))
    return {"start": s[0][1:], "warm": tuple(med(head, i) for i in (1, 2, 3)),
            "end": tuple(med(tail, i) for i in (1, 2, 3)),
            "max_after": tuple(max(r[i] for r in after) for i in (1, 2, 3)),
            "max_warmup": tuple(max(r[i] for r in s if r[0] < warm_at(run)) if any(r[0] < warm_at(run) for r in s)
                                else 0 for i in (1, 2, 3)),
            "slope_kib_h": slopes[0], "slopes": slopes}


def tick_slope(run, lang, key):
    """Slope per hour after warm-up of a figure of the driver's ticks (see tick_series)."""
    return slope_per_hour([(e["t"], e[key]) for e in run.events(lang)
                           if e["ev"] == "tick" and key in e and e["t"] >= warm_at(run)])


def warm_at(run):
    return max(WARMUP_SECONDS, WARMUP_SHARE * run.seconds)


def tick_series(run, lang, key):
    """(after warm-up, end, peak after warm-up) of a figure the driver reports in its ticks
    (medians of the first and last tenth after warm-up), in KiB, or None. Keys: lib_kib
    (the library's heap), malloc_kib and free_kib (the process's malloc), arenas and
    arena_kib (C), js_kib (Node's JS heap)."""
    rows = [e[key] for e in run.events(lang) if e["ev"] == "tick" and key in e and e["t"] >= warm_at(run)]
    if len(rows) < 6:
        return None
    k = max(3, len(rows) // 10)
    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    return med(rows[:k]), med(rows[-k:]), max(rows)


def memory_end(run, lang):
    """The driver's figures once every call finished: RSS before and after malloc_trim(0),
    the library heap, malloc in use."""
    rows = [e for e in run.events(lang) if e["ev"] == "memory_end"]
    return rows[-1] if rows else None


def growth_bound(warm_kib, floor_kib, share):
    return max(floor_kib, share * warm_kib)


def rss_bound(run, lang, warm_kib):
    allowed = growth_bound(warm_kib, RSS_GROWTH_KIB, RSS_GROWTH_SHARE)
    if run.seconds < SHORT_RUN_SECONDS:
        allowed = max(allowed, SHORT_RUN_KIB)
    return allowed


def check_resources(run):
    problems, parts = [], []
    for lang in run.langs:
        r = resources(run, lang)
        mem = memory_end(run, lang)
        malloc = tick_series(run, lang, "malloc_kib")
        if r is None or mem is None or malloc is None:
            problems.append("%s: too few samples or no memory figures" % lang)
            continue
        part = ["library heap with no call running %.1f MiB (≤ %.0f)" % (mem["lib_kib"] / 1024, IDLE_HEAP_KIB / 1024)]
        if mem["lib_kib"] > IDLE_HEAP_KIB:
            problems.append("%s library heap %.1f MiB with no call running" % (lang, mem["lib_kib"] / 1024))
        allowed = growth_bound(malloc[0], HEAP_GROWTH_KIB, HEAP_GROWTH_SHARE)
        part.append("malloc in use %+.1f MiB (≤ %.1f)" % ((malloc[1] - malloc[0]) / 1024, allowed / 1024))
        if malloc[1] - malloc[0] > allowed:
            problems.append("%s malloc in use grew %.1f MiB" % (lang, (malloc[1] - malloc[0]) / 1024))
        lib = tick_series(run, lang, "lib_kib")
        grew = r["end"][0] - r["warm"][0]
        beyond = grew - ((lib[1] - lib[0]) if lib else 0)
        allowed = rss_bound(run, lang, r["warm"][0])
        part.append("RSS %+.1f MiB (%+.0f MiB/h), beyond the library heap %+.1f MiB (≤ %.1f)" % (
            grew / 1024, r["slope_kib_h"] / 1024, beyond / 1024, allowed / 1024))
        # Ticks and /proc samples are taken at different instants while the library heap
        # swings by tens of MiB, so either figure alone can jump; growth shows in both.
        if min(grew, beyond) > allowed:
            problems.append("%s RSS grew %.1f MiB after warm-up, %.1f beyond the library heap" % (
                lang, grew / 1024, beyond / 1024))
        parts.append("%s: %s" % (lang, ", ".join(part)))
        thread_cap = max(r["warm"][1], r["max_warmup"][1]) * RESOURCE_FACTOR + THREADS_SLACK
        fd_cap = max(r["warm"][2], r["max_warmup"][2]) * RESOURCE_FACTOR + FDS_SLACK
        if r["end"][1] > thread_cap:
            problems.append("%s threads %d > %d" % (lang, r["end"][1], thread_cap))
        if r["end"][2] > fd_cap:
            problems.append("%s fds %d > %d" % (lang, r["end"][2], fd_cap))
    return Result("resources settle", not problems, "; ".join(problems + parts))


TOKENISH = re.compile(r"[0-9a-fA-F]{32,}|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def check_secrets(run):
    tokens = set()
    for path in glob.glob(os.path.join(run.work, "*.tokens")):
        with open(path) as f:
            tokens.update(line.strip() for line in f if line.strip())
    hits = []
    sources = [p for ext in ("events", "log", "stderr", "stdout") for p in glob.glob(os.path.join(run.work, "*." + ext))]
    scanned = 0

    def scan(where, line):
        if any(s in line for s in SECRETS) or any(
                any(t in cand for t in tokens) for cand in TOKENISH.findall(line)):
            hits.append(where)

    for path in sources:
        with open(path, errors="replace") as f:
            for line in f:
                scanned += 1
                scan(os.path.basename(path), line)
    for line in run.sim_stderr:
        scanned += 1
        scan("simulator stderr", line)
    return Result("no secret or token leaked", not hits and bool(tokens),
                  "%d lines scanned for %d secrets and %d tokens; %s" % (
                      scanned, len(SECRETS), len(tokens),
                      ("found in " + ", ".join(sorted(set(hits)))) if hits else "none found"))


def run_all(run):
    return [check_returns(run), check_callbacks(run), check_stale_tokens(run), check_token_requests(run),
            check_resends(run), check_processed_once(run), check_resources(run), check_secrets(run)]
