"""caFile over real TLS: the simulator's self-signed root, given as ``ca_file``, is
ADDED to the built-in roots; a file that cannot be read fails at construction."""

from __future__ import annotations

import pytest
from simulator import PORTONE_V1, Simulator

import paytoken


@pytest.fixture
def tls_sim(tmp_path):
    pem = tmp_path / "sim.pem"
    simulator = Simulator("--tls", "--cert-out", str(pem))
    yield simulator, str(pem)
    simulator.stop()


@pytest.mark.parametrize("cls", [paytoken.Client, paytoken.AsyncClient])
def test_ca_file_keyword_trusts_the_simulator(tls_sim, cls):
    simulator, pem = tls_sim
    assert simulator.url.startswith("https://")
    client = paytoken.Client.portone_v1(**PORTONE_V1, base_url=simulator.url, ca_file=pem)
    try:
        assert len(client.token()) == 40
        assert client.get("/payments/imp_tls").status == 200
    finally:
        client.close()
    # The keyword exists on every constructor, async ones included.
    other = cls.portone_v1(**PORTONE_V1, base_url=simulator.url, ca_file=pem)
    other.close()


def test_without_ca_file_the_self_signed_root_is_refused(tls_sim):
    simulator, _ = tls_sim
    client = paytoken.Client.portone_v1(**PORTONE_V1, base_url=simulator.url)
    try:
        with pytest.raises(paytoken.TlsError):
            client.token()
    finally:
        client.close()


def test_a_missing_ca_file_is_an_error_of_the_constructor(tmp_path):
    missing = str(tmp_path / "missing.pem")
    with pytest.raises(paytoken.InvalidArgumentError, match="caFile"):
        paytoken.Client.nicepay(client_key="k", secret_key="s", ca_file=missing)


def test_a_file_without_certificates_is_an_error_of_the_constructor(tmp_path):
    empty = tmp_path / "empty.pem"
    empty.write_text("no certificate here\n")
    with pytest.raises(paytoken.InvalidArgumentError, match="no certificate"):
        paytoken.Client.portone_v2(api_secret="s", ca_file=str(empty))
