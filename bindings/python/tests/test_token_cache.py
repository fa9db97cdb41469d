"""The token cache seen from Python: one fetch, shared by clients, invalidation, stats."""

from __future__ import annotations

import pytest

import paytoken

TOKEN_GATEWAYS = [("nicepay", {}), ("portone-v1", {}), ("portone-v2", {"auth": "token"})]


@pytest.mark.parametrize("gateway,options", TOKEN_GATEWAYS)
def test_second_token_comes_from_the_cache(sim, make_client, gateway, options):
    client = make_client(gateway, **options)
    first = client.token()
    assert sim.token_requests(gateway) == 1
    assert client.token() == first
    assert sim.token_requests(gateway) == 1
    stats = client.stats()
    assert (stats.token_fetches, stats.cache_hits) == (1, 1)


@pytest.mark.parametrize("gateway,options", TOKEN_GATEWAYS)
def test_clients_with_the_same_credentials_share_one_token(sim, make_client, gateway, options):
    first, second = make_client(gateway, **options), make_client(gateway, **options)
    assert first.token() == second.token()
    assert sim.token_requests(gateway) == 1
    counters = [(stats.token_fetches, stats.cache_hits) for stats in (first.stats(), second.stats())]
    assert counters == [(1, 1), (1, 1)]  # one entry behind both clients


def test_other_credentials_are_another_cache_entry(sim, make_client):
    plain = make_client("portone-v1")
    sub_merchant = make_client("portone-v1", tier="T01")
    plain.token()
    sub_merchant.token()
    assert sim.token_requests("portone-v1") == 2
    assert plain.stats().token_fetches == 1


def test_invalidate_drops_only_the_given_token(sim, make_client):
    client = make_client("portone-v2", auth="token")
    token = client.token()
    client.invalidate("some-other-token")
    assert client.token() == token
    assert sim.token_requests("portone-v2") == 1
    client.invalidate(token)
    fresh = client.token()
    assert sim.token_requests("portone-v2") == 2
    assert fresh != token  # PortOne V2 issues a new token on every login


def test_invalidate_without_a_token_drops_whatever_is_cached(sim, make_client):
    client = make_client("nicepay")
    token = client.token()
    client.invalidate()
    assert client.token() == token  # NICEPAY answers the same token until it expires
    assert sim.token_requests("nicepay") == 2


def test_a_revoked_token_is_replaced_on_401_and_counted(sim, make_client):
    client = make_client("nicepay")
    old = client.token()
    sim.revoke("nicepay")
    response = client.get("/v1/payments/T1")
    assert response.status == 200
    assert client.token() != old
    assert client.stats().retries_after_401 == 1


def test_stats_is_a_typed_record(make_client):
    stats = make_client("portone-v1").stats()
    assert isinstance(stats, paytoken.Stats)
    assert stats.token_fetches == stats.cache_hits == stats.refresh_failures == 0
    assert stats.retries_after_401 == 0
