"""From Python keyword arguments (snake_case) to the library's JSON config (camelCase).

The table below is the only place that knows both spellings; the library validates
the values and names any key it does not accept.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping

# Python keyword -> config key of docs/c-api.md.
CONFIG_KEYS: Mapping[str, str] = {
    "client_key": "clientKey",
    "secret_key": "secretKey",
    "imp_key": "impKey",
    "imp_secret": "impSecret",
    "api_secret": "apiSecret",
    "auth": "auth",
    "sandbox": "sandbox",
    "base_url": "baseUrl",
    "connect_timeout_ms": "connectTimeoutMs",
    "timeout_ms": "timeoutMs",
    "refresh_before_secs": "refreshBeforeSecs",
    "return_char_set": "returnCharSet",
    "tier": "tier",
    "store_id": "storeId",
    "max_response_bytes": "maxResponseBytes",
    "user_agent": "userAgent",
}


def build(gateway: str, **options: Any) -> Dict[str, Any]:
    """The config for ``gateway``; options left at ``None`` take the library's default."""
    config: Dict[str, Any] = {"gateway": gateway}
    for name, value in options.items():
        key = CONFIG_KEYS.get(name)
        if key is None:
            raise TypeError(f"unexpected keyword argument {name!r}; paytoken options are: "
                            + ", ".join(sorted(CONFIG_KEYS)))
        if value is not None:
            config[key] = value
    return config
