"""The simulator side of the soak: start paytoken-sim, talk to its admin API, create the
payment pools, inject faults at random from its repertoire, and watch its request log
for resent NICEPAY POSTs. Standard library only."""
import collections
import http.client
import json
import random
import subprocess
import threading
import time

SECRETS = ("S2_sim_client_key", "sim_nicepay_secret_key", "sim_imp_key", "sim_imp_secret",
           "sim_portone_v2_api_secret")
GATEWAYS = ("nicepay", "portone-v1", "portone-v2")

# The repertoire: (name, weight, fault body without gateway). Hangs outlast every deadline
# of the drivers; delays stay within them or pass them, at random.
FAULTS = [
    ("reset", 3, {"endpoint": "api", "kind": "close"}),
    ("hang", 2, {"endpoint": "api", "kind": "hang"}),
    ("truncated body", 2, {"endpoint": "api", "kind": "truncate"}),
    ("streamed 2 MiB body", 1, {"endpoint": "api", "kind": "oversized", "bytes": 2 << 20}),
    ("slow answer", 2, {"endpoint": "api", "kind": "delay", "delayMs": 1500}),
    ("5xx", 3, {"endpoint": "api", "kind": "status", "status": 503}),
    ("401 for a valid token", 3, {"endpoint": "api", "kind": "unauthorized"}),
    ("expired-token 401", 1, {"endpoint": "api", "kind": "expired"}),
    ("garbage body", 1, {"endpoint": "api", "kind": "garbage"}),
    ("token endpoint 5xx", 2, {"endpoint": "token", "kind": "status", "status": 500}),
    ("token endpoint hang", 1, {"endpoint": "token", "kind": "hang"}),
    ("token endpoint delay", 2, {"endpoint": "token", "kind": "delay", "delayMs": 800}),
    ("token endpoint reset", 1, {"endpoint": "token", "kind": "close"}),
    ("token endpoint malformed", 1, {"endpoint": "token", "kind": "malformed"}),
    ("token born expired", 1, {"endpoint": "token", "kind": "expired"}),
    ("V2 process-then-hang", 3, {"gateway": "portone-v2", "endpoint": "api", "kind": "process-then-hang"}),
    ("V2 process-then-close", 1, {"gateway": "portone-v2", "endpoint": "api", "kind": "process-then-close"}),
    ("revoke all tokens", 1, None),
]
TOKEN_FAULTS = {name for name, _, body in FAULTS if body and body["endpoint"] == "token"}
AUTH_FAULTS = {"401 for a valid token", "expired-token 401"}


class Simulator:
    def __init__(self, binary, token_ttl, delay_ms):
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--implicit-payments", "--token-ttl", str(token_ttl), "--verbose",
             "--delay-ms", str(delay_ms), "--exit-on-stdin-eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError("simulator did not start: %r" % line)
        self.url = line.split()[-1]
        self.host, self.port = self.url.split("//")[1].split(":")
        self.nicepay_posts = collections.Counter()  # path -> times sent
        self.nicepay_posts_refused = collections.Counter()  # path -> times answered 401
        self.stderr_other = []  # every stderr line that is not a request line
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()

    def _read_log(self):
        for line in self.proc.stderr:
            if line.startswith("paytoken-sim: answered 401 to POST /v1/payments/"):
                self.nicepay_posts_refused[line.split()[-1]] += 1
                continue
            if line.startswith("paytoken-sim: "):
                method, _, uri = line[len("paytoken-sim: "):].strip().partition(" ")
                if method == "POST" and uri.startswith("/v1/payments/"):
                    self.nicepay_posts[uri] += 1
                if method in ("GET", "POST", "DELETE", "PUT", "PATCH"):
                    continue
            self.stderr_other.append(line)

    def admin(self, method, path, body=None):
        conn = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
        try:
            conn.request(method, path, json.dumps(body) if body is not None else None)
            answer = conn.getresponse()
            data = answer.read()
            if answer.status != 200:
                raise RuntimeError("%s %s: %d %s" % (method, path, answer.status, data[:200]))
            return json.loads(data)
        finally:
            conn.close()

    def create_pools(self, drivers, size):
        """`size` paid payments of 1000 per driver and gateway, with ids the drivers derive."""
        conn = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
        for driver in drivers:
            for gateway in GATEWAYS:
                for n in range(size):
                    pid = "soak-%s-%s-%d" % (driver, gateway, n)
                    body = {"gateway": gateway, "id": pid, "amount": 1000, "orderId": "o-" + pid}
                    conn.request("POST", "/__sim/payments", json.dumps(body))
                    answer = conn.getresponse()
                    answer.read()
                    if answer.status != 200:
                        raise RuntimeError("creating %s: %d" % (pid, answer.status))
        conn.close()

    def stop(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()


class FaultInjector(threading.Thread):
    """Injects one random fault (count 1, random gateway unless the kind names one) at
    random intervals averaging 1/rate seconds, and remembers each by id."""

    def __init__(self, sim, rate, seed):
        super().__init__(daemon=True)
        self.sim, self.rate, self.rng = sim, rate, random.Random(seed)
        self.injected = collections.Counter()
        self.by_id = {}
        self.by_gateway = collections.defaultdict(collections.Counter)
        self.stop_event = threading.Event()

    def run(self):
        names = [f[0] for f in FAULTS]
        weights = [f[1] for f in FAULTS]
        bodies = {f[0]: f[2] for f in FAULTS}
        while not self.stop_event.wait(self.rng.expovariate(self.rate)):
            name = self.rng.choices(names, weights)[0]
            body = dict(bodies[name]) if bodies[name] else None
            gateway = (body or {}).get("gateway") or self.rng.choice(GATEWAYS)
            try:
                if body is None:
                    self.sim.admin("POST", "/__sim/revoke", {"gateway": gateway})
                else:
                    body["gateway"] = gateway
                    self.by_id[self.sim.admin("POST", "/__sim/fault", body)["id"]] = name
            except Exception as e:  # the simulator stopping at the end of the run
                print("soak: fault injection failed: %s" % e)
                continue
            self.injected[name] += 1
            self.by_gateway[gateway][name] += 1

    def finish(self):
        """Stops injecting and clears what was not used; returns applied counts by kind."""
        self.stop_event.set()
        self.join()
        pending = self.sim.admin("GET", "/__sim/fault")
        self.sim.admin("DELETE", "/__sim/fault")
        applied = collections.Counter(self.injected)
        for fault in pending:
            name = self.by_id.get(fault["id"])
            if name:
                applied[name] -= 1
                self.by_gateway[fault["gateway"]][name] -= 1
        return applied
