"""From Python keyword arguments (snake_case) to the library's JSON config (camelCase).

The keyword names are derived from the library's key table; the library validates the
values and names any key it does not accept. Durations are seconds in Python, as in
requests and httpx: a ``...Ms`` key of the library is the keyword without ``_ms``
(``timeoutMs`` is ``timeout=``, ``connectTimeoutMs`` is ``connect_timeout=``), the same
name and unit as the per-call ``timeout=``. The ``_ms`` spellings still work, with a
``DeprecationWarning`` (0.1 named them so).
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from typing import Any, Dict, Mapping, Optional

from . import _native
from ._errors import InvalidArgumentError, UnknownOptionError


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


_SCHEMA = {key["name"]: key for key in _native.config_schema()["keys"] if key["name"] != "gateway"}

# Python keyword -> config key, derived from the library's own key table
# (paytoken_config_schema; docs/c-api.md): a key added to the library is a keyword here with no edit.
CONFIG_KEYS: Mapping[str, str] = {
    (_snake(name)[:-3] if name.endswith("Ms") else _snake(name)): name for name in _SCHEMA
}
# Keywords of 0.1 that took milliseconds (``timeout_ms=``): deprecated aliases.
DEPRECATED_MS_KEYS: Mapping[str, str] = {_snake(name): name for name in _SCHEMA if name.endswith("Ms")}


def build(gateway: str, **options: Any) -> Dict[str, Any]:
    """The config for ``gateway``; options left at ``None`` take the library's default."""
    config: Dict[str, Any] = {"gateway": gateway}
    for name, value in options.items():
        key = CONFIG_KEYS.get(name)
        if key is None and name in DEPRECATED_MS_KEYS:
            key = DEPRECATED_MS_KEYS[name]
            warnings.warn(f"{name}= (milliseconds) is deprecated: use {name[:-3]}= in seconds",
                          DeprecationWarning, stacklevel=3)
            if value is not None:
                config[key] = value
            continue
        if key is None:
            raise unknown_option(name, CONFIG_KEYS, "client option")
        if value is not None:
            config[key] = seconds_to_ms(name, value, key) if key.endswith("Ms") else value
    return config


def unknown_option(given: str, known: Any, what: str) -> UnknownOptionError:
    """The error for an option nobody defined: names it, a close match, and the known ones."""
    names = sorted(set(known))
    close = difflib.get_close_matches(given, names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return UnknownOptionError(f"unknown {what} {given!r}{hint}; known: {', '.join(names)}")


def seconds_to_ms(name: str, value: Any, key: str = "timeoutMs") -> int:
    """``value`` seconds as the library's whole milliseconds of ``key``, refused (in
    seconds, naming ``name``) outside the range the library's key table gives ``key``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    low, high = _SCHEMA[key].get("min", 1) / 1000, _SCHEMA[key].get("max", 600000) / 1000
    if math.isnan(value) or not low <= value <= high:
        raise InvalidArgumentError(
            f"{name}={value!r} is out of range: {name} is in seconds, from {low:g} to {high:g}"
            + (" (a value in milliseconds? divide it by 1000)" if value > high else ""))
    return max(1, math.ceil(value * 1000))


def optional_seconds_to_ms(name: str, value: Optional[float]) -> Optional[int]:
    return None if value is None else seconds_to_ms(name, value)
