"""Short-lived processes against a gateway 10 ms away (issue 14.4): the `paytoken`
command and the PHP CLI, each as a new process per call, with the host-wide token cache
(`cacheDir`) on and off.

    python bench.py PAYTOKEN_BIN TLS_BASE_URL CA_FILE RUNS [php]

Per run: 20 sequential `paytoken request GET` processes (time for all 20, token
requests the simulator counted), the same without the host cache, and 32 processes
started together on a cold host cache (time until all exit, token requests: must be 1).
With `php`, the same through `php bench/php/cli_run.php`. One JSON line per measurement
and run on stdout (see bench/report.py); any failed process fails the bench.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Callable, List

SEQUENTIAL = 20
TOGETHER = 32
API_PATH = "/payments/imp_bench"
REPO = Path(__file__).resolve().parents[2]


def main() -> None:
    binary, base_url, ca_file, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with_php = "php" in sys.argv[5:]
    context = ssl.create_default_context(cafile=ca_file)

    def token_requests() -> int:
        with urllib.request.urlopen(f"{base_url}/__sim/stats", context=context) as answer:
            return json.load(answer)["tokenRequests"]["portone-v1"]

    env = dict(os.environ, PAYTOKEN_GATEWAY="portone-v1", PAYTOKEN_IMP_KEY="sim_imp_key",
               PAYTOKEN_IMP_SECRET="sim_imp_secret", PAYTOKEN_BASE_URL=base_url, PAYTOKEN_CA_FILE=ca_file)

    def cli(cache_dir: str) -> List[str]:
        # An empty PAYTOKEN_CACHE_DIR turns the host cache off.
        env["PAYTOKEN_CACHE_DIR"] = cache_dir
        return [binary, "request", "GET", API_PATH]

    def php(cache_dir: str) -> List[str]:
        return ["php", str(REPO / "bench/php/cli_run.php"), base_url, ca_file, cache_dir]

    tools = [("cli", cli)] + ([("php.cli", php)] if with_php else [])
    scratch = Path(tempfile.mkdtemp(prefix="paytoken-bench-cli-"))
    os.chmod(scratch, 0o700)
    try:
        for run in range(runs):
            for name, command in tools:
                for cached in (True, False):
                    cache_dir = str(scratch / f"{name}-seq-{run}") if cached else ""
                    measure(f"{name}.seq20.{'cache' if cached else 'nocache'}", run, token_requests,
                            lambda: sequential(command(cache_dir), env))
                measure(f"{name}.cold32", run, token_requests,
                        lambda: together(command(str(scratch / f"{name}-cold-{run}")), env))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(prefix: str, run: int, token_requests: Callable[[], int], body: Callable[[], None]) -> None:
    before = token_requests()
    started = time.perf_counter_ns()
    body()
    elapsed = time.perf_counter_ns() - started
    made = token_requests() - before
    emit(f"{prefix}.time", run, elapsed, "ns")
    emit(f"{prefix}.token_requests", run, made, "count")
    print(f"  {prefix} run {run}: {elapsed / 1e6:.0f} ms, {made} token request(s)", file=sys.stderr)


def sequential(command: List[str], env: dict) -> None:
    for _ in range(SEQUENTIAL):
        done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode != 0:
            raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")


def together(command: List[str], env: dict) -> None:
    children = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                for _ in range(TOGETHER)]
    for child in children:
        _, err = child.communicate()
        if child.returncode != 0:
            raise SystemExit(f"{command[0]} failed ({child.returncode}): {err.decode(errors='replace')}")


def emit(id_: str, run: int, value: float, unit: str) -> None:
    print(json.dumps({"id": id_, "run": run, "value": value, "unit": unit}), flush=True)


if __name__ == "__main__":
    main()
