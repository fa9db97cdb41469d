"""Every exception type, caused for real against the simulator, with its attributes."""

from __future__ import annotations

import pickle
import socket
import ssl
import subprocess
import threading
import time

import pytest
from simulator import NICEPAY

import paytoken
from paytoken import Status


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def untrusted_tls_server(tmp_path_factory):
    """An https:// origin on loopback whose certificate no CA vouches for."""
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                try:
                    context.wrap_socket(connection, server_side=True).close()
                except (ssl.SSLError, OSError):
                    pass  # the client hung up on our certificate, as it should

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    listener.close()


def test_wrong_nicepay_secret_is_an_auth_error_with_the_gateway_code(make_client):
    client = make_client("nicepay", secret_key="wrong-secret")
    with pytest.raises(paytoken.AuthError) as caught:
        client.token()
    error = caught.value
    assert (error.code, error.http_status, error.gateway_code) == (Status.AUTH, 401, "U104")
    assert "U104" in error.message and str(error) == error.message
    assert "wrong-secret" not in repr(error)


def test_korean_gateway_message_arrives_decoded_from_euc_kr(make_client):
    client = make_client("nicepay", secret_key="wrong-secret", return_char_set="euc-kr")
    with pytest.raises(paytoken.AuthError, match="사용자 인증에 실패하였습니다"):
        client.token()


@pytest.mark.parametrize("gateway,options,gateway_code", [
    ("portone-v1", {"imp_secret": "wrong"}, "-1"),
    ("portone-v2", {"api_secret": "wrong", "auth": "token"}, "UNAUTHORIZED"),
])
def test_wrong_portone_credentials_are_auth_errors(make_client, gateway, options, gateway_code):
    with pytest.raises(paytoken.AuthError) as caught:
        make_client(gateway, **options).token()
    assert (caught.value.http_status, caught.value.gateway_code) == (401, gateway_code)


def test_a_request_still_refused_after_the_retry_is_an_auth_error(sim, make_client):
    client = make_client("portone-v1")
    sim.fault(endpoint="api", kind="unauthorized", count=0)
    with pytest.raises(paytoken.AuthError) as caught:
        client.get("/payments/imp_1")
    assert caught.value.http_status == 401
    assert sim.token_requests("portone-v1") == 2  # the first token, then one fresh one
    assert client.stats().retries_after_401 == 1


@pytest.mark.parametrize("fault,http_status", [
    ({"kind": "status", "status": 503}, 503),
    ({"kind": "malformed"}, 200),
    ({"kind": "garbage"}, 200),
    ({"kind": "expired"}, 200),
])
def test_useless_token_answers_are_gateway_errors(sim, make_client, fault, http_status):
    sim.fault(gateway="nicepay", endpoint="token", **fault)
    with pytest.raises(paytoken.GatewayError) as caught:
        make_client("nicepay").token()
    assert caught.value.code == Status.GATEWAY
    assert caught.value.http_status == http_status


def test_an_oversized_answer_is_a_gateway_error(sim, make_client):
    sim.fault(endpoint="api", kind="oversized", bytes=200_000)
    with pytest.raises(paytoken.GatewayError):
        make_client("portone-v2", max_response_bytes=100_000).get("/payments/pay_1")


def test_connection_refused_is_a_network_error(make_client):
    client = make_client("portone-v1", base_url=f"http://127.0.0.1:{_unused_port()}")
    with pytest.raises(paytoken.NetworkError) as caught:
        client.token()
    assert isinstance(caught.value, ConnectionError)
    assert (caught.value.code, caught.value.http_status) == (Status.NETWORK, 0)


def test_a_connection_closed_mid_request_is_a_network_error(sim, make_client):
    client = make_client("portone-v2")
    sim.fault(endpoint="api", kind="close")
    with pytest.raises(paytoken.NetworkError):
        client.post("/payments/pay_1/cancel", json={"reason": "test"})


def test_a_hanging_gateway_is_a_timeout_whose_outcome_is_unknown(sim, make_client):
    client = make_client("nicepay", timeout=0.3)
    client.token()
    sim.fault(endpoint="api", kind="hang")
    started = time.monotonic()
    with pytest.raises(paytoken.PayTokenTimeout) as caught:
        client.post("/v1/payments/T1", json={"amount": 1000})
    assert time.monotonic() - started < 5
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert error.code == Status.TIMEOUT
    assert "unknown" in error.message


def test_an_untrusted_certificate_is_a_tls_error(make_client, untrusted_tls_server):
    client = make_client("portone-v1", base_url=untrusted_tls_server)
    with pytest.raises(paytoken.TlsError) as caught:
        client.token()
    assert isinstance(caught.value, ConnectionError)
    assert (caught.value.code, caught.value.http_status) == (Status.TLS, 0)


def test_every_status_maps_to_its_class():
    from paytoken._errors import error_for
    expected = {1: paytoken.InvalidArgumentError, 2: paytoken.AuthError, 3: paytoken.GatewayError,
                4: paytoken.NetworkError, 5: paytoken.PayTokenTimeout, 6: paytoken.TlsError,
                7: paytoken.InternalError}
    for code, cls in expected.items():
        error = error_for(code, "m", 0, "")
        assert type(error) is cls and error.code == code and isinstance(error, paytoken.PayTokenError)
    unknown = error_for(99, "from a newer library", 0, "")
    assert type(unknown) is paytoken.PayTokenError and unknown.code == 99


def test_errors_survive_pickling_with_their_attributes(make_client):
    with pytest.raises(paytoken.AuthError) as caught:
        make_client("nicepay", secret_key="wrong-secret").token()
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is paytoken.AuthError
    assert (copy.code, copy.http_status, copy.gateway_code, copy.message) == (
        caught.value.code, 401, "U104", caught.value.message)
    timeout = pickle.loads(pickle.dumps(paytoken.PayTokenTimeout("late", 5, 0, "")))
    assert isinstance(timeout, TimeoutError) and str(timeout) == "late"


def test_error_repr_shows_the_fields():
    error = paytoken.AuthError("refused", 2, 401, "U104")
    assert repr(error) == "AuthError(code=2, http_status=401, gateway_code='U104', message='refused')"


def test_credential_errors_are_remembered_briefly(sim, make_client):
    client = make_client("nicepay", secret_key=NICEPAY["secret_key"] + "x")
    for _ in range(3):
        with pytest.raises(paytoken.AuthError):
            client.token()
    assert sim.token_requests("nicepay") == 1
