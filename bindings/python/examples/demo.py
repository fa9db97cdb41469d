"""paytoken from Python, against the simulator at $PAYTOKEN_SIM_URL (run by `make demo`).

Gets a NICEPAY token, shows the second one came from the cache, makes one authorized
request and prints the cache counters. Tokens are shown only as a fingerprint.
"""

from __future__ import annotations

import os
import sys

import paytoken


def fingerprint(token: str) -> str:
    return f"{token[:6]}… ({len(token)} chars)"


def main() -> int:
    base_url = os.environ.get("PAYTOKEN_SIM_URL")
    if not base_url:
        print("demo.py: set PAYTOKEN_SIM_URL to a running paytoken-sim", file=sys.stderr)
        return 2

    # The simulator's default NICEPAY credentials; a shop passes its own keys (and
    # sandbox=True while testing) and no base_url.
    with paytoken.Client.nicepay(client_key="S2_sim_client_key", secret_key="sim_nicepay_secret_key",
                                 base_url=base_url) as client:
        print(f"[python] paytoken {paytoken.__version__} (libpaytoken {paytoken.library_version()}), {client!r}")
        print(f"[python] token        {fingerprint(client.token())}  (fetched)")
        print(f"[python] token again  {fingerprint(client.token())}  (from the cache)")

        response = client.get("/v1/payments/T20261120")
        payment = response.json()
        print(f"[python] GET /v1/payments/T20261120 -> {response.status} "
              f"{payment['resultCode']} {payment['resultMsg']} (status: {payment['status']})")

        stats = client.stats()
        print(f"[python] stats        token fetches {stats.token_fetches}, cache hits {stats.cache_hits}, "
              f"retries after 401 {stats.retries_after_401}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
