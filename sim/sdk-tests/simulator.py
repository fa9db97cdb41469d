"""Starts a faithful paytoken-sim (no --implicit-payments) for the SDK tests."""

import json
import os
import subprocess
import urllib.request

SIM = os.environ.get("PAYTOKEN_SIM") or os.path.join(
    os.path.dirname(__file__), "..", "..", "target", "release", "paytoken-sim"
)


class Simulator:
    def __init__(self):
        self.process = subprocess.Popen(
            [SIM, "--port", "0", "--exit-on-stdin-eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        line = self.process.stdout.readline().strip()
        if not line.startswith("paytoken-sim listening on "):
            raise RuntimeError(f"paytoken-sim did not start: {line!r}")
        self.url = line.rsplit(" ", 1)[1]

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()
