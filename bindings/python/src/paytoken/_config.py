"""From Python keyword arguments (snake_case) to the library's JSON config (camelCase).

The keyword names are derived from the library's key table; the library validates the
values and names any key it does not accept.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping

from . import _native

def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


# Python keyword -> config key, derived from the library's own key table
# (paytoken_config_schema; docs/c-api.md): a key added to the library is a keyword here with no edit.
CONFIG_KEYS: Mapping[str, str] = {
    _snake(key["name"]): key["name"]
    for key in _native.config_schema()["keys"] if key["name"] != "gateway"
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
