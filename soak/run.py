#!/usr/bin/env python3
"""make soak / make test-soak: the library driven like a busy shop (C, Python and Node
drivers at once) against paytoken-sim with short-lived tokens and random faults; samples
each driver's RSS, threads and fds; asserts (soak/checks.py) and, with --report, writes
RELIABILITY.md and its plot (soak/report.py). Exits 1 when an assertion fails.

  soak/run.py --seconds 600 --fault-rate 2 --report RELIABILITY.md
  SOAK_SABOTAGE=leak-response soak/run.py --seconds 45   (soak/sabotage.sh)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402
import report  # noqa: E402
from simulator import FaultInjector, Simulator  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def driver_commands(langs):
    py = os.path.join(REPO, "bindings/python/.venv/bin/python")
    table = {
        "c": ([os.path.join(REPO, "target/soak/driver")], {"SOAK_THREADS": "6", "SOAK_INFLIGHT": "200"}),
        "py": ([py, os.path.join(REPO, "soak/driver.py")], {"SOAK_THREADS": "4", "SOAK_INFLIGHT": "100"}),
        "node": (["node", os.path.join(REPO, "soak/driver.js")], {"SOAK_INFLIGHT": "100"}),
    }
    return {name: table[name] for name in langs}


def sample(pid):
    """(rss_kib, threads, fds) of a live process, or None once it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return (int(fields["VmRSS"].split()[0]), int(fields["Threads"]), len(os.listdir("/proc/%d/fd" % pid)))
    except (OSError, KeyError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", "600")))
    ap.add_argument("--fault-rate", type=float, default=float(os.environ.get("SOAK_FAULT_RATE", "2")),
                    help="faults injected per second on average")
    ap.add_argument("--token-ttl", type=int, default=6)
    ap.add_argument("--delay-ms", type=int, default=250, help="the gateway's answer time (a distant gateway)")
    ap.add_argument("--langs", default=os.environ.get("SOAK_LANGS", "c py node"))
    ap.add_argument("--report", help="write RELIABILITY.md here (and its SVG beside it)")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    sabotage = os.environ.get("SOAK_SABOTAGE", "")
    langs = args.langs.split()
    load_start = open("/proc/loadavg").read().split()[:3]
    work = tempfile.mkdtemp(prefix="soak-", dir=os.environ.get("SOAK_TMP"))
    os.chmod(work, 0o700)
    sim = Simulator(os.environ.get("PAYTOKEN_SIM", os.path.join(REPO, "target/release/paytoken-sim")),
                    args.token_ttl, args.delay_ms)
    pool = max(20, args.seconds * 2)
    print("soak: %ds, %s, fault rate %.1f/s, token ttl %ds, answers in %d ms, seed %d, simulator %s%s" % (
        args.seconds, "+".join(langs), args.fault_rate, args.token_ttl, args.delay_ms, args.seed, sim.url,
        ", SABOTAGE " + sabotage if sabotage else ""), flush=True)
    sim.create_pools(langs, pool)
    procs = {}
    for name, (cmd, extra) in driver_commands(langs).items():
        extra = {k: os.environ.get(k, v) for k, v in extra.items()}  # overridable
        env = dict(os.environ, SOAK_URL=sim.url, SOAK_SECONDS=str(args.seconds), SOAK_NAME=name,
                   SOAK_POOL=str(pool), SOAK_EVENTS="%s/%s.events" % (work, name),
                   SOAK_TOKENS="%s/%s.tokens" % (work, name), SOAK_LOG="%s/%s.log" % (work, name),
                   SOAK_OVER_MS=str(checks.allowed_over_ms()),
                   PAYTOKEN_LIB=os.path.join(REPO, "target/release/libpaytoken.so"), **extra)
        if name != "c":
            env.pop("SOAK_SABOTAGE", None)  # sabotage is the C driver's (and the checker's)
        procs[name] = subprocess.Popen(cmd, env=env, stdout=open("%s/%s.stdout" % (work, name), "w"),
                                       stderr=open("%s/%s.stderr" % (work, name), "w"))
    injector = FaultInjector(sim, args.fault_rate, args.seed)
    injector.start()
    samples = {name: [] for name in procs}
    started = time.monotonic()
    deadline = started + args.seconds + 30
    while any(p.poll() is None for p in procs.values()) and time.monotonic() < deadline:
        t = time.monotonic() - started
        for name, p in procs.items():
            s = sample(p.pid) if p.poll() is None and t <= args.seconds else None
            if s:
                samples[name].append((round(t, 1),) + s)
        time.sleep(1)
    with open(os.path.join(work, "samples.json"), "w") as f:
        json.dump(samples, f)
    hung = [name for name, p in procs.items() if p.poll() is None]
    for name in hung:
        procs[name].kill()
        procs[name].wait()
    applied = injector.finish()
    stats = sim.admin("GET", "/__sim/stats")
    payments = sim.admin("GET", "/__sim/payments")["payments"]
    sim.stop()
    load_end = open("/proc/loadavg").read().split()[:3]
    run = checks.Run(work=work, langs=langs, seconds=args.seconds, token_ttl=args.token_ttl,
                     samples=samples, hung=hung, exit_codes={n: p.returncode for n, p in procs.items()},
                     applied=applied, injected=injector.injected, by_gateway=injector.by_gateway,
                     stats=stats, payments=payments, nicepay_posts=sim.nicepay_posts, nicepay_posts_refused=sim.nicepay_posts_refused,
                     sim_stderr=sim.stderr_other, sabotage=sabotage, fault_rate=args.fault_rate,
                     load=(load_start, load_end), seed=args.seed, delay_ms=args.delay_ms)
    results = checks.run_all(run)
    for r in results:
        print("soak: %-4s %-22s %s" % ("ok" if r.ok else "FAIL", r.name, r.detail))
    if args.report:
        report.write(args.report, run, results)
        print("soak: wrote %s" % args.report)
    failed = [r.name for r in results if not r.ok]
    print("soak: %d passed, %d failed" % (len(results) - len(failed), len(failed)))
    if not failed and not os.environ.get("SOAK_KEEP"):
        subprocess.call(["rm", "-rf", work])
    else:
        print("soak: run files kept in %s" % work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
