"""Bad input gives a clear typed error, never a crash, and sends nothing."""

from __future__ import annotations

import pytest
from simulator import NICEPAY

import paytoken

InvalidArgument = paytoken.InvalidArgumentError


@pytest.mark.parametrize("config,named", [
    ({}, "gateway"),
    ({"gateway": "toss"}, "toss"),
    ({"gateway": "nicepay", "clientKey": "k"}, "secretKey"),
    ({"gateway": "nicepay", "clientKey": "k", "secretKey": "s", "bogusKey": 1}, "bogusKey"),
    ({"gateway": "portone-v1", "impKey": "k", "impSecret": "s", "timeoutMs": "soon"}, "timeoutMs"),
])
def test_bad_configs_name_the_problem(config, named):
    with pytest.raises(InvalidArgument, match=named) as caught:
        paytoken.Client(config)
    assert isinstance(caught.value, ValueError) and caught.value.code == paytoken.Status.INVALID_ARGUMENT


def test_config_must_be_a_mapping():
    with pytest.raises(TypeError, match="mapping"):
        paytoken.Client('{"gateway": "nicepay"}')  # type: ignore[arg-type]


def test_unknown_factory_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="timeout_seconds"):
        paytoken.Client.portone_v1(imp_key="k", imp_secret="s", timeout_seconds=3)


def test_whitespace_around_a_secret_is_refused_without_showing_it():
    with pytest.raises(InvalidArgument, match="(?i)whitespace") as caught:
        paytoken.Client.nicepay(client_key=NICEPAY["client_key"], secret_key="s3cr3t-value\n")
    assert "s3cr3t-value" not in str(caught.value)


def test_plain_http_only_for_loopback():
    with pytest.raises(InvalidArgument, match="http"):
        paytoken.Client.portone_v2(api_secret="s", base_url="http://api.example.com")


@pytest.mark.parametrize("method,path", [
    ("GET", "v1/payments/T1"),                     # no leading slash
    ("GET", "https://elsewhere.example/steal"),    # the token only goes to the origin
    ("GET", "//elsewhere.example/steal"),
    ("GET", "/v1/payments/T1\0/cancel"),           # C would cut the string at the NUL
    ("GET", "/v1/payments/\ud800"),                # not encodable as UTF-8
    ("FETCH", "/v1/payments/T1"),
    ("", "/v1/payments/T1"),
])
def test_bad_method_or_path_sends_nothing(sim, make_client, method, path):
    client = make_client("nicepay", auth="basic")
    with pytest.raises(InvalidArgument):
        client.request(method, path)
    assert sim.last_request() is None


def test_header_injection_is_refused(sim, make_client):
    client = make_client("nicepay", auth="basic")
    with pytest.raises(InvalidArgument):
        client.get("/v1/payments/T1", headers={"X-Note": "a\r\nAuthorization: Basic eA=="})
    assert sim.last_request() is None


@pytest.mark.parametrize("kwargs,error", [
    ({"headers": {"X-Amount": 1000}}, TypeError),
    ({"data": 1000}, TypeError),
    ({"json": {"a": 1}, "data": b"x"}, InvalidArgument),
    ({"json": {"amount": float("nan")}}, InvalidArgument),
    ({"json": {"memo": "\udc80"}}, InvalidArgument),
])
def test_bad_bodies_and_headers(make_client, kwargs, error):
    with pytest.raises(error):
        make_client("nicepay", auth="basic").post("/v1/payments/T1", **kwargs)


def test_non_string_method_or_path_is_a_type_error(make_client):
    client = make_client("nicepay", auth="basic")
    with pytest.raises(TypeError):
        client.request(b"GET", "/v1/payments/T1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.get(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.invalidate(42)  # type: ignore[arg-type]


def test_a_closed_client_refuses_calls(make_client):
    client = make_client("portone-v1")
    client.close()
    client.close()  # idempotent
    assert client.closed and "closed" in repr(client)
    with pytest.raises(InvalidArgument, match="closed"):
        client.token()


def test_context_manager_closes(sim):
    with paytoken.Client.portone_v2(api_secret="s", base_url=sim.url) as client:
        assert not client.closed
    assert client.closed
