"""Secrets and tokens never show up in repr(), exceptions, tracebacks or logs."""

from __future__ import annotations

import base64
import os
import pickle
import subprocess
import sys
import textwrap
import traceback

import pytest
from simulator import NICEPAY, PORTONE_V1, PORTONE_V2

import paytoken

SECRETS = [NICEPAY["secret_key"], PORTONE_V1["imp_secret"], PORTONE_V2["api_secret"]]


def _assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("gateway", ["nicepay", "portone-v1", "portone-v2"])
@pytest.mark.parametrize("cls", [paytoken.Client, paytoken.AsyncClient])
def test_repr_shows_no_secret(make_client, gateway, cls):
    client = make_client(gateway, cls=cls)
    assert gateway in repr(client)
    _assert_no_secret(repr(client) + str(client) + repr(vars(client)))


def test_pickling_a_client_is_refused_without_showing_secrets(make_client):
    client = make_client("portone-v2")
    with pytest.raises(TypeError) as caught:
        pickle.dumps(client)
    _assert_no_secret(str(caught.value))


def test_tracebacks_show_no_secret(make_client):
    client = make_client("nicepay", secret_key=NICEPAY["secret_key"] + "-wrong")
    try:
        client.token()
    except paytoken.AuthError:
        text = traceback.format_exc()
    else:  # pragma: no cover
        pytest.fail("a wrong secret was accepted")
    assert "AuthError" in text
    _assert_no_secret(text)


def test_debug_log_shows_neither_secrets_nor_tokens(sim):
    script = textwrap.dedent(f"""
        import paytoken
        client = paytoken.Client.nicepay(client_key={NICEPAY['client_key']!r},
                                         secret_key={NICEPAY['secret_key']!r}, base_url={sim.url!r})
        print(client.token())
        client.get("/v1/payments/T1")
        client.token()
        basic = paytoken.Client.nicepay(client_key={NICEPAY['client_key']!r}, auth="basic",
                                        secret_key={NICEPAY['secret_key']!r}, base_url={sim.url!r})
        basic.get("/v1/payments/T2")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**os.environ, "PAYTOKEN_LOG": "debug"}, timeout=60)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert len(token) >= 40
    assert result.stderr.strip(), "PAYTOKEN_LOG=debug logged nothing"
    assert token not in result.stderr
    _assert_no_secret(result.stderr)
    basic = base64.b64encode(f"{NICEPAY['client_key']}:{NICEPAY['secret_key']}".encode()).decode()
    assert basic not in result.stderr
