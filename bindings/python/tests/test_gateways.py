"""Every gateway and auth scheme: what reaches the gateway, and what comes back."""

from __future__ import annotations

import base64

import pytest
from simulator import NICEPAY, PORTONE_V1, PORTONE_V2

import paytoken

BUSINESS_PATHS = {"nicepay": "/v1/payments/T100", "portone-v1": "/payments/imp_100",
                  "portone-v2": "/payments/pay_100"}


def _authorization_sent(sim) -> str:
    return sim.last_request()["headers"]["authorization"]


@pytest.mark.parametrize("gateway,options", [
    ("nicepay", {}), ("portone-v1", {}), ("portone-v2", {"auth": "token"}),
])
def test_token_schemes_send_the_cached_token_as_bearer(sim, make_client, gateway, options):
    client = make_client(gateway, **options)
    response = client.get(BUSINESS_PATHS[gateway])
    assert response.status == 200, response.text
    assert _authorization_sent(sim) == f"Bearer {client.token()}"
    assert sim.token_requests(gateway) == 1


def test_nicepay_basic_sends_the_credentials_and_fetches_no_token(sim, make_client):
    client = make_client("nicepay", auth="basic")
    assert client.get(BUSINESS_PATHS["nicepay"]).json()["resultCode"] == "0000"
    expected = base64.b64encode(f"{NICEPAY['client_key']}:{NICEPAY['secret_key']}".encode()).decode()
    assert _authorization_sent(sim) == f"Basic {expected}"
    assert sim.token_requests("nicepay") == 0


def test_portone_v2_secret_scheme_is_the_default(sim, make_client):
    client = make_client("portone-v2")
    assert client.get(BUSINESS_PATHS["portone-v2"]).status == 200
    assert _authorization_sent(sim) == f"PortOne {PORTONE_V2['api_secret']}"
    assert sim.token_requests("portone-v2") == 0


@pytest.mark.parametrize("gateway,options", [("nicepay", {"auth": "basic"}), ("portone-v2", {})])
def test_token_of_a_scheme_without_token_is_an_invalid_argument(make_client, gateway, options):
    with pytest.raises(paytoken.InvalidArgumentError, match="token"):
        make_client(gateway, **options).token()


def test_a_config_dict_of_the_c_api_works_as_is(sim):
    config = {"gateway": "portone-v1", "impKey": PORTONE_V1["imp_key"],
              "impSecret": PORTONE_V1["imp_secret"], "baseUrl": sim.url, "timeoutMs": 5000}
    with paytoken.Client(config) as client:
        assert client.get(BUSINESS_PATHS["portone-v1"]).json()["code"] == 0
        assert client.gateway == "portone-v1"


def test_portone_v1_tier_header_goes_on_every_request(sim, make_client):
    client = make_client("portone-v1", tier="T01")
    assert client.get(BUSINESS_PATHS["portone-v1"]).json()["code"] == 0
    assert sim.last_request()["headers"]["tier"] == "T01"


def test_portone_v2_store_id_client_logs_in(sim, make_client):
    client = make_client("portone-v2", auth="token", store_id="store-1")
    assert client.get(BUSINESS_PATHS["portone-v2"]).status == 200
    assert sim.token_requests("portone-v2") == 1


def test_nicepay_euc_kr_token_answer_is_understood(sim, make_client):
    client = make_client("nicepay", return_char_set="euc-kr", sandbox=True)
    assert len(client.token()) >= 40
    assert client.get(BUSINESS_PATHS["nicepay"]).status == 200


def test_response_text_decodes_euc_kr(make_client):
    # The token endpoint is a plain URL to an authorized request; asked for EUC-KR it
    # answers `application/json;charset=EUC-KR` in that encoding.
    client = make_client("nicepay", auth="basic")
    response = client.post("/v1/access-token", json={"returnCharSet": "euc-kr"})
    assert response.ok
    assert response.encoding == "euc-kr"  # declared; .text is already decoded (as CP949)
    assert "정상 처리되었습니다" not in response.content.decode("utf-8", "replace")
    assert response.json()["resultMsg"] == "정상 처리되었습니다."


@pytest.mark.parametrize("time_format", ["+0900", "+09:00", "Z", "nofrac"])
def test_nicepay_timestamp_formats(sim, make_client, time_format):
    sim.configure(nicepayTimeFormat=time_format, nicepayExpiryField="expiredAt")
    client = make_client("nicepay")
    client.token()
    client.token()
    assert sim.token_requests("nicepay") == 1


def test_gateway_clock_skew_does_not_matter(sim, make_client):
    sim.configure(clockOffsetSecs=-7200)  # the gateway's clock is two hours behind ours
    client = make_client("portone-v1")
    assert client.token() == client.token()
    assert sim.token_requests("portone-v1") == 1


def test_every_option_of_the_table_reaches_the_library(sim, make_client):
    common = {"timeout": 4, "connect_timeout": 1, "max_response_bytes": 1 << 20,
              "user_agent": "shop/1.2", "refresh_before_secs": 30}
    clients = [
        make_client("nicepay", sandbox=True, auth="token", return_char_set="utf-8", **common),
        make_client("portone-v1", tier="T9", **common),
        make_client("portone-v2", auth="token", store_id="store-9", **common),
    ]
    for client, path in zip(clients, BUSINESS_PATHS.values()):
        assert client.get(path).status == 200
        assert "shop/1.2" in sim.last_request()["headers"]["user-agent"]
