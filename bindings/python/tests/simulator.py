"""Start a real paytoken-sim on a loopback port and talk to its admin API."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Set

REPO = Path(__file__).resolve().parents[3]
SIM_BINARY = os.environ.get("PAYTOKEN_SIM") or str(REPO / "target" / "release" / "paytoken-sim")

NICEPAY = {"client_key": "S2_sim_client_key", "secret_key": "sim_nicepay_secret_key"}
PORTONE_V1 = {"imp_key": "sim_imp_key", "imp_secret": "sim_imp_secret"}
PORTONE_V2 = {"api_secret": "sim_portone_v2_api_secret"}

# The library's token cache is keyed by origin and lives as long as this process: a new
# simulator on a port an earlier one used would find that one's tokens cached. So every
# simulator of a test session gets a port no earlier one had.
_ports_used: Set[int] = set()

# How long wait_for polls before failing: only turns a test that waits for an event that
# never comes into a message naming it; no test relies on it passing.
WAIT_LIMIT_SECS = 60


class Simulator:
    """One paytoken-sim process; stopped by :meth:`stop` (or when this process exits,
    thanks to --exit-on-stdin-eof)."""

    def __init__(self, *flags: str) -> None:
        if not os.access(SIM_BINARY, os.X_OK):
            raise RuntimeError(f"{SIM_BINARY} is not built: run `make sim` in the repository "
                               "(or set $PAYTOKEN_SIM)")
        for _ in range(20):
            self._process = subprocess.Popen(
                [SIM_BINARY, "--port", "0", "--exit-on-stdin-eof", "--implicit-payments", *flags],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            line = self._process.stdout.readline().decode().strip()  # type: ignore[union-attr]
            if not line.startswith("paytoken-sim listening on "):
                self.stop()
                raise RuntimeError(f"paytoken-sim did not start: {line!r}")
            self.url = line.rsplit(" ", 1)[1]
            self.port = int(self.url.rsplit(":", 1)[1])
            if self.port not in _ports_used:
                _ports_used.add(self.port)
                return
            self.stop()
        raise RuntimeError("paytoken-sim kept getting ports already used")

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait(10)
        self._process.stdin.close()  # type: ignore[union-attr]
        self._process.stdout.close()  # type: ignore[union-attr]

    # ------------------------------------------------------------ admin API
    def admin(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read().decode()
        return json.loads(text) if text else None

    def stats(self) -> Dict[str, Any]:
        return self.admin("GET", "/__sim/stats")

    def token_requests(self, gateway: str) -> int:
        return self.stats()["tokenRequests"][gateway]

    def last_request(self) -> Optional[Dict[str, Any]]:
        try:
            return self.admin("GET", "/__sim/last-request")
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def fault(self, **fault: Any) -> None:
        self.admin("POST", "/__sim/fault", fault)

    def configure(self, **settings: Any) -> None:
        self.admin("POST", "/__sim/config", settings)

    def revoke(self, gateway: str) -> None:
        self.admin("POST", "/__sim/revoke", {"gateway": gateway})

    # ------------------------------------------------- holding requests in flight
    # A test that needs a request in flight while it does something else holds it (the
    # simulator counts it and keeps it waiting), waits until the simulator shows it held,
    # does that thing, then releases it: an event, where a `delay` is a guess that a
    # loaded machine can outlive.
    def hold(self, gateway: Optional[str], endpoint: str, count: int = 1) -> None:
        """Hold the next `count` requests of `gateway` (None: any) to `endpoint`
        ("token" or "api"; 0: every one until the faults are cleared)."""
        fault: Dict[str, Any] = {"endpoint": endpoint, "kind": "hold", "count": count}
        if gateway is not None:
            fault["gateway"] = gateway
        self.fault(**fault)

    def wait_held(self, n: int) -> Dict[str, Any]:
        """Returns once exactly `n` requests are held (stats' `held`)."""
        return self.wait_for(f"{n} held requests", lambda stats: stats["held"] == n)

    def release(self) -> int:
        """Lets every held request go on to its normal answer; returns how many waited.
        A hold fault with requests left holds later ones again."""
        return int(self.admin("POST", "/__sim/release")["released"])

    def clear_faults(self) -> None:
        """Removes every fault and releases every held request (for a test's finally)."""
        self.admin("DELETE", "/__sim/fault")

    def wait_for(self, what: str, ready: Callable[[Dict[str, Any]], bool]) -> Dict[str, Any]:
        """Polls the stats until `ready(stats)` (the counters are the events a test waits
        on) and returns them. The bound only names what never happened."""
        deadline = time.monotonic() + WAIT_LIMIT_SECS
        while True:
            stats = self.stats()
            if ready(stats):
                return stats
            assert time.monotonic() < deadline, f"the simulator never showed {what}: {stats}"
            time.sleep(0.002)  # polling interval only
