"""The soak's Python driver: the paytoken package (bindings/python) the way a busy Python
shop uses it — threads of synchronous calls (lookups, token lookups, partial cancels,
client churn, a forked child now and then) and an asyncio loop keeping SOAK_INFLIGHT
AsyncClient calls in flight, logs on. Events go to SOAK_EVENTS as JSON lines, in the C
driver's format (see driver.c); tokens it is given to SOAK_TOKENS; log records to SOAK_LOG."""
import asyncio
import ctypes
import json
import logging
import os
import random
import threading
import time

import paytoken

URL = os.environ["SOAK_URL"]
SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
NAME = os.environ.get("SOAK_NAME", "py")
POOL = int(os.environ.get("SOAK_POOL", "0"))
# How far past its own timeout a call may end: SOAK_OVER_MS, from soak/checks.py's
# allowed_over_ms(); "late" counts calls past their own timeout alone (see driver_util.h).
LOOKUP_MS, CANCEL_MS, LATE_MS = 2000, 4000, 250
OVER_MS = int(os.environ.get("SOAK_OVER_MS", "3500"))
# The library the package loaded ($PAYTOKEN_LIB: the same handle) for its heap count, and
# libc for malloc_trim at the end (see driver.c's emit_memory_end).
LIB = ctypes.CDLL(os.environ["PAYTOKEN_LIB"])
LIB.paytoken_heap_in_use.restype = ctypes.c_uint64
LIBC = ctypes.CDLL(None)


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


LIBC.mallinfo2.restype = MallInfo2


def malloc_kib():
    """(in use, free in its arenas) of the process's malloc, in KiB (see driver.c)."""
    mi = LIBC.mallinfo2()
    return (mi.uordblks + mi.hblkhd) // 1024, mi.fordblks // 1024
START = time.monotonic()
STOP = START + SECONDS

CONFIGS = [
    {"gateway": "nicepay", "clientKey": "S2_sim_client_key", "secretKey": "sim_nicepay_secret_key"},
    {"gateway": "portone-v1", "impKey": "sim_imp_key", "impSecret": "sim_imp_secret"},
    # PortOne V2 with its API secret: the C driver owns the V2 token scheme, so that the
    # simulator's stale-token count sees one cache per V2 token (see sim/src/stale_tokens.rs).
    {"gateway": "portone-v2", "apiSecret": "sim_portone_v2_api_secret", "retryUnknownOutcome": True},
]
for c in CONFIGS:
    c.update(baseUrl=URL, timeoutMs=LOOKUP_MS, connectTimeoutMs=1000, userAgent="soak-" + NAME)
REFRESH = {"portone-v1": 2}
for c in CONFIGS:
    if c["gateway"] in REFRESH:
        c["refreshBeforeSecs"] = REFRESH[c["gateway"]]

lock = threading.Lock()
events = open(os.environ["SOAK_EVENTS"], "w")
tokens_out = open(os.environ["SOAK_TOKENS"], "w")
counts = {"calls": 0, "tick": 0, "errors": [0] * 8, "overruns": 0, "doubles": 0, "late": 0}
worst = [-1e9, ""]
seen_tokens = set()
pool_next = [0, 0, 0]


def emit(**event):
    with lock:
        events.write(json.dumps(event) + "\n")


def record(op, deadline_ms, elapsed_ms, error=None):
    with lock:
        counts["calls"] += 1
        counts["tick"] += 1
        if elapsed_ms - deadline_ms > worst[0]:
            worst[:] = [elapsed_ms - deadline_ms, op]
    if error is not None:
        code = int(getattr(error, "code", 7))
        with lock:
            counts["errors"][code] += 1
        emit(ev="error", op=op, rc=code, http=getattr(error, "http_status", 0), msg=str(error))
    if elapsed_ms > deadline_ms + LATE_MS:
        with lock:
            counts["late"] += 1
    if elapsed_ms > deadline_ms + OVER_MS:
        with lock:
            counts["overruns"] += 1
        emit(ev="overrun", op=op, elapsed_ms=elapsed_ms, deadline_ms=deadline_ms + OVER_MS)


def note_token(token):
    with lock:
        if token not in seen_tokens:
            seen_tokens.add(token)
            tokens_out.write(token + "\n")
            tokens_out.flush()


def lookup_path(gateway):
    n = random.randrange(100000)
    return {"nicepay": "/v1/payments/T%d" % n, "portone-v1": "/payments/imp_%012d" % n}.get(
        gateway, "/payments/p%d" % n)


def timed(op, deadline_ms, fn):
    started = time.monotonic()
    try:
        result = fn()
        record(op, deadline_ms, (time.monotonic() - started) * 1000)
        return result
    except paytoken.PayTokenError as e:
        record(op, deadline_ms, (time.monotonic() - started) * 1000, e)
        return None


def cancel(clients, gw):
    with lock:
        n = pool_next[gw]
        pool_next[gw] += 1
    if n >= POOL:
        return
    gateway = CONFIGS[gw]["gateway"]
    pid = "soak-%s-%s-%d" % (NAME, gateway, n)
    if gateway == "nicepay":
        path, body = "/v1/payments/%s/cancel" % pid, {"reason": "soak", "orderId": "o-" + pid, "cancelAmt": 100}
    elif gateway == "portone-v1":
        path, body = "/payments/cancel", {"imp_uid": pid, "reason": "soak", "amount": 100}
    else:
        path, body = "/payments/%s/cancel" % pid, {"reason": "soak", "amount": 100}
    answer = timed("cancel", CANCEL_MS, lambda: clients[gw].post(path, json=body, timeout=CANCEL_MS / 1000))
    # Confirmed: the gateway's answer says the cancel happened (a faulted 200 does not).
    mark = {"nicepay": '"resultCode":"0000"', "portone-v1": '"code":0'}.get(gateway, '"cancellation"')
    confirmed = bool(answer and answer.status == 200 and mark in answer.text)
    emit(ev="cancel", gw=gateway, id=pid, rc=0 if answer else 1, status=answer.status if answer else 0,
         confirmed=int(confirmed))


def fork_once(clients):
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            clients[1].get("/payments/imp_000000000001", timeout=LOOKUP_MS / 1000)
        finally:
            os._exit(0)
    emit(ev="fork")
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - started > (LOOKUP_MS + OVER_MS) / 1000:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            emit(ev="fork_hang")
            break
        time.sleep(0.005)
    record("fork", LOOKUP_MS, (time.monotonic() - started) * 1000)


def sync_worker(index, clients):
    last_fork = time.monotonic()
    while time.monotonic() < STOP:
        op = random.randrange(100)
        gw = random.randrange(3)
        if op < 55:
            gateway = CONFIGS[gw]["gateway"]
            timed("lookup", LOOKUP_MS, lambda: clients[gw].get(lookup_path(gateway), timeout=LOOKUP_MS / 1000))
        elif op < 70 and gw < 2:
            token = timed("token", LOOKUP_MS, clients[gw].token)
            if token:
                note_token(token)
        elif op < 85:
            cancel(clients, gw)
        elif op < 97:
            with paytoken.Client(CONFIGS[gw]) as churned:
                gateway = CONFIGS[gw]["gateway"]
                timed("lookup", LOOKUP_MS, lambda: churned.get(lookup_path(gateway), timeout=LOOKUP_MS / 1000))
        elif index == 0 and time.monotonic() - last_fork > 10:
            fork_once(clients)
            last_fork = time.monotonic()


async def async_load(inflight):
    clients = [paytoken.AsyncClient(c) for c in CONFIGS]
    pending = set()

    async def one():
        gw = random.randrange(3)
        started = time.monotonic()
        try:
            if gw < 2 and random.randrange(10) == 0:
                note_token(await clients[gw].token())
            else:
                await clients[gw].get(lookup_path(CONFIGS[gw]["gateway"]), timeout=LOOKUP_MS / 1000)
            record("async", LOOKUP_MS, (time.monotonic() - started) * 1000)
        except paytoken.PayTokenError as e:
            record("async", LOOKUP_MS, (time.monotonic() - started) * 1000, e)

    while time.monotonic() < STOP:
        while len(pending) < inflight:
            pending.add(asyncio.ensure_future(one()))
        done, pending = await asyncio.wait(pending, timeout=1, return_when=asyncio.FIRST_COMPLETED)
    # Every call gets its deadline and the margin to finish; what is left is lost.
    if pending:
        done, pending = await asyncio.wait(pending, timeout=(LOOKUP_MS + OVER_MS) / 1000)
    for _ in pending:
        emit(ev="lost", kind="async")
    for c in clients:
        await c.aclose()
    return len(pending)


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def emit_memory_end():
    """RSS before and after malloc_trim(0), every call finished (see driver.c)."""
    before, in_use = rss_kib(), malloc_kib()[0]
    LIBC.malloc_trim(0)
    emit(ev="memory_end", rss_kib=before, rss_trimmed_kib=rss_kib(), lib_kib=LIB.paytoken_heap_in_use() // 1024,
         malloc_kib=in_use)


def main():
    log = logging.getLogger("paytoken")
    log.setLevel(logging.INFO)
    handler = logging.FileHandler(os.environ["SOAK_LOG"])
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    log.addHandler(handler)
    clients = [paytoken.Client(c) for c in CONFIGS]
    threads = [threading.Thread(target=sync_worker, args=(i, clients), daemon=True)
               for i in range(int(os.environ.get("SOAK_THREADS", "4")))]
    for t in threads:
        t.start()

    def ticker():
        while time.monotonic() < STOP:
            time.sleep(1)
            with lock:
                n, counts["tick"] = counts["tick"], 0
            in_use, free = malloc_kib()
            emit(ev="tick", t=round(time.monotonic() - START, 1), calls=n, inflight=0, malloc_kib=in_use,
                 free_kib=free, lib_kib=LIB.paytoken_heap_in_use() // 1024)
            with lock:
                events.flush()
    threading.Thread(target=ticker, daemon=True).start()
    lost = asyncio.run(async_load(int(os.environ.get("SOAK_INFLIGHT", "100"))))
    for t in threads:
        t.join(timeout=(CANCEL_MS + OVER_MS) / 1000)
        if t.is_alive():
            emit(ev="overdue", kind="sync", age_ms=0)
    emit_memory_end()
    for c in clients:
        c.close()
    emit(ev="final", calls=counts["calls"], errors=counts["errors"], overruns=counts["overruns"],
         doubles=counts["doubles"], late=counts["late"], lost=lost, worst_over_ms=round(worst[0], 1), worst_op=worst[1],
         log_dropped=0)
    events.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
