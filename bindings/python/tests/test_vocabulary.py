"""Issue 21: one name and one unit per concept, and mistakes that are never silently
something else (timeouts in seconds everywhere, unknown options named, every stats key
typed, quiet logging whatever the order of setup)."""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import threading
import warnings

import pytest

import paytoken
from paytoken import _api, _native


def test_the_client_timeout_is_in_seconds_like_the_calls(sim, make_client):
    client = make_client("portone-v1", timeout=30, connect_timeout=2.5)
    assert client.get("/payments/imp_1", timeout=5).status_code == 200


def test_the_milliseconds_keywords_still_work_but_warn(make_client):
    with pytest.warns(DeprecationWarning, match="timeout_ms= .* use timeout= in seconds"):
        make_client("portone-v1", timeout_ms=30000)


@pytest.mark.parametrize("value", [5000, 0, -1, float("nan")])
def test_a_timeout_out_of_range_names_the_unit_not_the_c_key(make_client, value):
    client = make_client("portone-v1")
    with pytest.raises(paytoken.InvalidArgumentError) as caught:
        client.get("/payments/imp_1", timeout=value)
    message = str(caught.value)
    assert "timeout=" in message and "seconds" in message and "600" in message
    assert "timeoutMs" not in message and "options_json" not in message
    if value == 5000:
        assert "milliseconds" in message
    with pytest.raises(paytoken.InvalidArgumentError, match="timeout=.*seconds"):
        paytoken.Client.portone_v1(imp_key="k", imp_secret="s", timeout=value)


def test_an_unknown_client_option_names_it_and_a_close_match():
    with pytest.raises(paytoken.UnknownOptionError) as caught:
        paytoken.Client.portone_v1(imp_key="k", imp_secret="s", timout=5)
    message = str(caught.value)
    assert "'timout'" in message and "did you mean 'timeout'" in message
    assert "base_url" in message  # what is accepted
    # Both what Python raises for an unexpected keyword and what the other bindings raise.
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, paytoken.InvalidArgumentError)


def test_stats_has_every_library_key_as_a_typed_field(make_client):
    client = make_client("portone-v1")
    client.token()
    raw = json.loads(_native.client_stats(client._handle))
    stats = client.stats()
    assert stats.extra == {}, "a library stats key has no field: add it to Stats"
    assert set(raw) == set(_api._STATS_FIELDS)
    assert stats.gateway == "portone-v1"
    assert stats.token_fetches == 1
    assert isinstance(stats.token_valid_for, datetime.timedelta)
    assert isinstance(stats.gateway_clock_skew, datetime.timedelta)
    for field in dataclasses.fields(stats):
        if field.name not in ("gateway", "token_valid_for", "gateway_clock_skew", "extra"):
            assert isinstance(getattr(stats, field.name), int), field.name


def test_the_timeout_error_does_not_shadow_the_builtin():
    assert paytoken.PayTokenTimeoutError is paytoken.PayTokenTimeout
    assert issubclass(paytoken.PayTokenTimeoutError, TimeoutError)
    assert paytoken.PayTokenTimeoutError.__name__ == "PayTokenTimeoutError"


def test_logs_are_debug_and_reach_logging_configured_after_the_client(sim, make_client, caplog):
    client = make_client("portone-v1")  # made while the logger is not enabled for DEBUG
    seen = threading.Event()
    fetched = []

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            # This client's records only (they name its simulator's origin): a late record of
            # another test, a failed fetch's warning say, may still be on its way.
            if sim.url in record.getMessage():
                fetched.append(record)
                if "fetched token" in record.getMessage():
                    seen.set()

    watch = Watch()
    logger = logging.getLogger("paytoken")
    logger.addHandler(watch)
    caplog.set_level(logging.DEBUG, logger="paytoken")
    try:
        client.token()
        assert seen.wait(20), "the fetch record never reached logging"
        assert all(r.levelno == logging.DEBUG for r in fetched)
    finally:
        logger.removeHandler(watch)
        logger.setLevel(logging.NOTSET)
        paytoken.sync_log_level()


def test_nothing_routine_is_logged_at_the_default_level(make_client, caplog):
    caplog.set_level(logging.INFO, logger="paytoken")
    with warnings.catch_warnings():
        make_client("portone-v1").token()
    assert paytoken.sync_log_level() == 3, "the library's warnings only"
    assert [r for r in caplog.records if r.name == "paytoken"] == []


def test_the_readme_api_names_real_methods_and_parameters():
    """Every `name(params)` the README's API section shows is a method of Client (or
    Response) taking those parameters: a renamed or dropped one fails here."""
    import inspect
    import pathlib
    import re

    readme = (pathlib.Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## API\n", 1)[1].split("\n## ", 1)[0]
    checked = 0
    for name, params in re.findall(r"`([a-z_]\w*)\(([^`]*)\)", section):
        owner = next((cls for cls in (paytoken.Client, paytoken.Response) if hasattr(cls, name)), None)
        assert owner is not None, f"README shows {name}() but neither Client nor Response has it"
        signature = inspect.signature(getattr(owner, name))
        for part in params.replace("\n", " ").split(","):
            param = part.split("=")[0].strip().lstrip("*")
            if not param.isidentifier():
                continue
            assert param in signature.parameters, f"README shows {name}({param}=...) but it is {signature}"
        checked += 1
    fields = {f.name for f in dataclasses.fields(paytoken.Stats)}
    stats_text = section.split("`stats() -> Stats`", 1)[1].split("\n- ", 1)[0]
    for field in re.findall(r"`(\w+)`", stats_text):
        if field not in ("timedelta", "None"):
            assert field in fields, f"README lists Stats.{field}, which does not exist"
    assert checked >= 5
