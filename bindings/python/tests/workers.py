"""Functions run in multiprocessing workers (importable by spawned interpreters)."""

from __future__ import annotations

from typing import Tuple

from simulator import NICEPAY

import paytoken

# One client per worker process, built by the pool initializer: the usual pattern.
_client = None


def init_nicepay(base_url: str) -> None:
    global _client
    _client = paytoken.Client.nicepay(**NICEPAY, base_url=base_url)


def token_and_status(tid: str) -> Tuple[str, int]:
    assert _client is not None
    return _client.token(), _client.get(f"/v1/payments/{tid}").status


def token_with_wrong_secret(base_url: str) -> str:
    client = paytoken.Client.nicepay(client_key=NICEPAY["client_key"], secret_key="wrong",
                                     base_url=base_url)
    return client.token()
