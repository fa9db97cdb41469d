"""Smoke test of an installed paytoken wheel, against the simulator at $PAYTOKEN_SIM_URL.

Standalone on purpose: tests/packaging/python.sh runs it in a fresh venv on this machine,
and the platform tests run it inside other roots (Debian 11, ...) where only the wheel
and this file exist. It gets a token, makes an authorized request and handles an error.
Exit status 0 = passed; it prints one line per check.
"""

from __future__ import annotations

import json
import os
import sys

import paytoken

# The simulator's default NICEPAY credentials.
CLIENT_KEY = "S2_sim_client_key"
SECRET_KEY = "sim_nicepay_secret_key"


def main() -> int:
    url = os.environ.get("PAYTOKEN_SIM_URL")
    if not url:
        print("python_smoke.py: set PAYTOKEN_SIM_URL to a running paytoken-sim", file=sys.stderr)
        return 2
    checkout = os.environ.get("PAYTOKEN_CHECKOUT")
    print(f"package {paytoken.__file__}, library {paytoken.library_path()}")
    if checkout and os.path.realpath(paytoken.library_path()).startswith(os.path.realpath(checkout) + os.sep):
        print(f"FAIL: the library comes from the checkout {checkout}", file=sys.stderr)
        return 1

    with paytoken.Client.nicepay(client_key=CLIENT_KEY, secret_key=SECRET_KEY, base_url=url) as client:
        token = client.token()
        assert len(token) >= 16, "token too short"
        print(f"token: {len(token)} chars")
        response = client.get("/v1/payments/packaging_smoke_tid")
        # Authorized: the gateway answered the payment query (an unknown id may be a 404
        # in the simulator's faithful mode), in its own JSON, not 401 or a transport error.
        assert response.status in (200, 404), response.status
        assert isinstance(json.loads(response.content), dict)
        print(f"request: HTTP {response.status}")

    wrong = paytoken.Client.nicepay(client_key=CLIENT_KEY, secret_key="not-the-secret", base_url=url)
    try:
        wrong.token()
    except paytoken.AuthError as error:
        assert "not-the-secret" not in str(error), "the secret leaked into the error"
        print(f"error: AuthError (status {int(error.code)}, HTTP {error.http_status})")
    else:
        print("FAIL: a wrong secret got a token", file=sys.stderr)
        return 1
    finally:
        wrong.close()
    print("python smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
