"""Request and response round trips: bodies, headers, query strings, statuses."""

from __future__ import annotations

import base64
import json

import pytest


@pytest.fixture
def nicepay(make_client):
    return make_client("nicepay")


def _body_received(sim) -> bytes:
    """The body the simulator received (it reports non-UTF-8 bodies in base64)."""
    last = sim.last_request()
    body = last["body"]
    return base64.b64decode(body) if last.get("bodyEncoding") == "base64" else body.encode("utf-8")


def test_json_body_is_sent_as_utf8_json(sim, nicepay):
    payload = {"reason": "고객 요청", "orderId": "order-1", "cancelAmt": 1000}
    response = nicepay.post("/v1/payments/T1/cancel", json=payload)
    assert response.ok, response.text
    last = sim.last_request()
    assert last["method"] == "POST" and last["path"] == "/v1/payments/T1/cancel"
    assert last["headers"]["content-type"].lower().startswith("application/json")
    assert json.loads(last["body"]) == payload
    assert response.json()["resultCode"] == "0000"


def test_bytes_body_and_its_content_type_arrive_unchanged(sim, nicepay):
    body = bytes(range(256))
    nicepay.post("/v1/payments/T1", data=body, headers={"Content-Type": "application/octet-stream"})
    last = sim.last_request()
    assert last["headers"]["content-type"] == "application/octet-stream"
    assert _body_received(sim) == body


def test_str_body_is_utf8(sim, nicepay):
    nicepay.post("/v1/payments/T1", data='{"amount": 1000, "memo": "결제"}')
    assert _body_received(sim).decode("utf-8") == '{"amount": 1000, "memo": "결제"}'


def test_mapping_data_is_form_encoded(sim, make_client):
    client = make_client("portone-v1")
    client.post("/payments/cancel", data={"imp_uid": "imp_1", "reason": "환불"})
    last = sim.last_request()
    assert last["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert _body_received(sim) == b"imp_uid=imp_1&reason=%ED%99%98%EB%B6%88"


def test_extra_headers_and_query_parameters_are_sent(sim, make_client):
    client = make_client("portone-v2")
    client.get("/payments/pay_1", params={"storeId": "s 1", "x": ["a", "b"]},
               headers={"Idempotency-Key": "idem-42", "X-Trace": "t1"})
    last = sim.last_request()
    assert last["query"] == "storeId=s+1&x=a&x=b"
    # PortOne V2: a caller's key goes out as an RFC 8941 string (quoted or not).
    assert last["headers"]["idempotency-key"] == '"idem-42"'
    assert last["headers"]["x-trace"] == "t1"


def test_params_extend_an_existing_query(sim, nicepay):
    nicepay.get("/v1/payments/find/order-1?a=1", params="orderDate=20261120")
    assert sim.last_request()["query"] == "a=1&orderDate=20261120"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_verbs(sim, nicepay, method):
    getattr(nicepay, method.lower())("/v1/payments/T1", json={"amount": 1})
    assert sim.last_request()["method"] == method


def test_method_names_are_case_insensitive(sim, nicepay):
    assert nicepay.request("get", "/v1/payments/T1").ok
    assert sim.last_request()["method"] == "GET"


def test_response_headers_are_case_insensitive(nicepay):
    response = nicepay.get("/v1/payments/T1")
    assert response.headers["Content-Type"] == response.headers["content-type"]
    assert "CONTENT-TYPE" in response.headers
    assert all(name == name.lower() for name in response.headers)
    assert response.encoding == "utf-8"


@pytest.mark.parametrize("status", [400, 404, 409, 500, 503])
def test_any_http_status_but_401_is_a_response(sim, nicepay, status):
    sim.fault(endpoint="api", kind="status", status=status)
    response = nicepay.get("/v1/payments/T1")
    assert (response.status, response.ok) == (status, False)
    assert response.content
    with pytest.raises(ValueError):
        response.json()
    assert repr(response) == f"<Response [{status}]>"
