"""Issue 15 for Python: requests-like response attributes, per-call timeout, the library's
one text decoder, the config keywords derived from the library's key table, the ABI
check at load, and log records routed to the ``paytoken`` logger."""

from __future__ import annotations

import ctypes
import datetime
import logging
import subprocess
import sys
import threading
import time

import pytest

import paytoken
from paytoken import _config, _native


def test_requests_names_on_a_response(make_client):
    client = make_client("portone-v1")
    response = client.get("/payments/imp_1", params={"include": "all"})
    assert response.status_code == response.status == 200
    assert response.url == "/payments/imp_1?include=all"
    assert isinstance(response.elapsed, datetime.timedelta)
    assert response.elapsed > datetime.timedelta(0)
    assert response.raise_for_status() is response


def test_raise_for_status_carries_status_code_and_response(sim, make_client):
    client = make_client("portone-v1")
    sim.fault(endpoint="api", kind="status", status=503, count=1)
    response = client.get("/payments/imp_2")
    assert response.status_code == 503
    with pytest.raises(paytoken.HTTPStatusError) as caught:
        response.raise_for_status()
    assert isinstance(caught.value, paytoken.GatewayError)
    assert caught.value.http_status == 503
    assert caught.value.response is response
    assert "HTTP 503 from GET /payments/imp_2" in str(caught.value)


def test_json_of_a_non_json_body_is_the_package_error_with_an_excerpt():
    raw = paytoken.Response(200, {"content-type": "text/html"}, b"<html>oops</html>",
                            url="/x", method="GET")
    with pytest.raises(paytoken.ResponseJSONError) as caught:
        raw.json()
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, paytoken.GatewayError)
    assert "HTTP 200" in str(caught.value) and "<html>oops</html>" in str(caught.value)


def test_euc_kr_answer_is_read_by_the_library_decoder(sim, make_client):
    # A NICEPAY cancel answered in EUC-KR; "똠" exists only in CP949. The simulator answers
    # the payment's own orderId, so the payment is created with it.
    sim.admin("POST", "/__sim/payments", {"gateway": "nicepay", "id": "tid_1", "orderId": "주문-똠",
                                          "amount": 5000})
    client = make_client("nicepay", return_char_set="euc-kr")
    response = client.post("/v1/payments/tid_1/cancel",
                           json={"reason": "고객 요청", "orderId": "주문-똠", "returnCharSet": "euc-kr"})
    assert response.encoding == "euc-kr"
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")
    assert response.json()["orderId"] == "주문-똠"
    assert "주문-똠" in response.text


def test_per_call_timeout_overrides_the_client_default(sim, make_client):
    client = make_client("portone-v1", timeout=30)
    client.token()
    sim.fault(endpoint="api", kind="delay", delayMs=3000, count=1)
    started = time.monotonic()
    with pytest.raises(paytoken.PayTokenTimeout):
        client.get("/payments/imp_slow", timeout=0.3)
    assert time.monotonic() - started < 2.5
    with pytest.raises(paytoken.InvalidArgumentError):
        client.get("/payments/imp_1", timeout=0)
    with pytest.raises(TypeError):
        client.get("/payments/imp_1", timeout="5")  # type: ignore[arg-type]


def test_keywords_are_derived_from_the_library_key_table():
    schema = {k["name"] for k in paytoken.config_schema()["keys"]}
    assert set(_config.CONFIG_KEYS.values()) == schema - {"gateway"}
    assert _config.CONFIG_KEYS["return_char_set"] == "returnCharSet"
    assert _config.CONFIG_KEYS["ca_file"] == "caFile"
    with pytest.raises(TypeError, match="unknown client option .colour."):
        paytoken.Client.portone_v1(imp_key="k", imp_secret="s", colour="red")


def test_abi_mismatch_is_refused_naming_both_versions():
    class FakeLib:
        class _Fn:
            def __init__(self, value):
                self.value = value

            def __call__(self):
                return self.value

        def __init__(self, abi, size):
            self.paytoken_abi_version = self._Fn(abi)
            self.paytoken_error_size = self._Fn(size)

    size = ctypes.sizeof(_native.ErrorStruct)
    _native.check_abi(FakeLib(0x00010005, size), "lib.so")  # same: accepted
    _native.check_abi(FakeLib(0x00010009, size), "lib.so")  # newer minor: accepted
    with pytest.raises(ImportError, match=r"has ABI 2\.0; this package needs ABI 1\.x"):
        _native.check_abi(FakeLib(0x00020000, size), "lib.so")
    with pytest.raises(ImportError, match=r"has ABI 1\.0"):
        _native.check_abi(FakeLib(0x00010000, size), "lib.so")
    with pytest.raises(ImportError, match=r"has ABI 1\.4; this package needs ABI 1\.x with x >= 5"):
        _native.check_abi(FakeLib(0x00010004, size), "lib.so")
    with pytest.raises(ImportError, match="paytoken_error of 8 bytes"):
        _native.check_abi(FakeLib(0x00010005, 8), "lib.so")


def test_a_library_without_the_abi_function_is_refused(tmp_path):
    # libc has no paytoken_abi_version: the import fails with what was found and needed.
    code = "import paytoken"
    env = {"PAYTOKEN_LIB": "libc.so.6", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0
    assert "too old" in done.stderr and "needs ABI 1.5" in done.stderr, done.stderr


def test_log_records_reach_the_paytoken_logger(make_client, caplog):
    caplog.set_level(logging.DEBUG, logger="paytoken")
    try:
        client = make_client("portone-v1")  # making a client syncs the level
        token = client.token()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(
                "fetch" in r.getMessage() for r in caplog.records):
            time.sleep(0.02)
        records = [r for r in caplog.records if r.name == "paytoken"]
        assert any("fetch" in r.getMessage() for r in records), records
        assert all(token not in r.getMessage() for r in records)
        # Delivered on the library's log thread, not on the thread that made the call.
        assert all(r.thread != threading.get_ident() for r in records)
    finally:
        logging.getLogger("paytoken").setLevel(logging.NOTSET)
        paytoken.sync_log_level()


def test_the_readme_options_table_names_exactly_the_library_keys():
    import pathlib
    import re
    readme = (pathlib.Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Options\n", 1)[1].split("\n## ", 1)[0]
    documented = sorted(re.findall(r"^\| `(\w+)`", section, re.M))
    assert documented == sorted(k["name"] for k in paytoken.config_schema()["keys"])
