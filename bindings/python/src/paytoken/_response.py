"""The answer to an authorized request, as plain Python values."""

from __future__ import annotations

import codecs
import json
from typing import Any, Dict, Iterator, Mapping

# Gateways say "EUC-KR" but, like browsers (WHATWG), mean Microsoft's superset CP949:
# Python's strict "euc_kr" codec would turn its extra syllables into U+FFFD.
_CHARSET_ALIASES = {
    "euc-kr": "cp949", "euckr": "cp949", "ks_c_5601-1987": "cp949", "ksc5601": "cp949",
    "windows-949": "cp949", "x-windows-949": "cp949",
}


class Headers(Mapping[str, str]):
    """Response headers; names are case-insensitive, repeated headers joined by ", "."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str]) -> None:
        self._items: Dict[str, str] = {name.lower(): value for name, value in items.items()}

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


class Response:
    """What the gateway answered. Any HTTP status is a response, not an exception.

    Attributes:
        status: the HTTP status code.
        headers: a case-insensitive mapping of the response headers.
        content: the body as received (bytes).
    """

    __slots__ = ("status", "headers", "content")

    def __init__(self, status: int, headers: Mapping[str, str], content: bytes) -> None:
        self.status = status
        self.headers = Headers(headers)
        self.content = content

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300

    @property
    def encoding(self) -> str:
        """The Python codec for the body: the Content-Type charset, UTF-8 if none or unknown."""
        content_type = self.headers.get("content-type", "")
        for param in content_type.split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset":
                label = value.strip().strip('"').lower()
                label = _CHARSET_ALIASES.get(label, label)
                try:
                    return codecs.lookup(label).name
                except LookupError:
                    break
        return "utf-8"

    @property
    def text(self) -> str:
        """The body decoded with :attr:`encoding`; undecodable bytes become U+FFFD."""
        return self.content.decode(self.encoding, "replace")

    def json(self) -> Any:
        """The body parsed as JSON (``json.JSONDecodeError``, a ``ValueError``, if it is not)."""
        return json.loads(self.text)

    def __repr__(self) -> str:
        return f"<Response [{self.status}]>"
