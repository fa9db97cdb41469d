"""The answer to an authorized request, as plain Python values."""

from __future__ import annotations

import datetime
import json
from typing import Any, Dict, Iterator, Mapping, Optional

from ._errors import HTTPStatusError, ResponseJSONError

# How much of a body an error message quotes.
_EXCERPT_CHARS = 120


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


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT_CHARS else flat[:_EXCERPT_CHARS] + "…"


def _gateway_code(value: Any) -> str:
    """The gateway's own code in a JSON error body (NICEPAY resultCode, PortOne code/type)."""
    if isinstance(value, dict):
        for key in ("resultCode", "code", "type"):
            if isinstance(value.get(key), (str, int)) and not isinstance(value.get(key), bool):
                return str(value[key])
    return ""


class Response:
    """What the gateway answered. Any HTTP status is a response, not an exception.

    Attributes:
        status: the HTTP status code (also ``status_code``, as in requests).
        headers: a case-insensitive mapping of the response headers.
        content: the body as received (bytes).
        text: the body as text, decoded by the library (declared charset; EUC-KR read as
            CP949; undecodable bytes become U+FFFD), the same in every language.
        url: the path (and query) that was requested, on the client's origin.
        elapsed: how long the call took, a :class:`datetime.timedelta`.
        idempotency_key: the ``Idempotency-Key`` the request carried (unquoted), or None.
    """

    __slots__ = ("status", "headers", "content", "text", "url", "elapsed", "method",
                 "idempotency_key")

    def __init__(self, status: int, headers: Mapping[str, str], content: bytes,
                 text: Optional[str] = None, url: str = "", method: str = "",
                 elapsed: datetime.timedelta = datetime.timedelta(0),
                 idempotency_key: Optional[str] = None) -> None:
        self.status = status
        self.headers = Headers(headers)
        self.content = content
        self.text = content.decode("utf-8", "replace") if text is None else text
        self.url = url
        self.method = method
        self.elapsed = elapsed
        self.idempotency_key = idempotency_key

    @property
    def status_code(self) -> int:
        """The HTTP status code (the name requests and httpx use)."""
        return self.status

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300

    @property
    def encoding(self) -> str:
        """The charset the answer declared (``Content-Type``), lower-case; "utf-8" if none.
        Informational: :attr:`text` is already decoded."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset":
                return value.strip().strip('"').lower()
        return "utf-8"

    def json(self) -> Any:
        """The body parsed as JSON. A body that is not JSON raises
        :class:`ResponseJSONError` (a ``GatewayError`` and a ``ValueError``) with the
        status and a short excerpt."""
        try:
            return json.loads(self.text)
        except ValueError:
            raise ResponseJSONError(
                f"the answer to {self.method} {self.url} (HTTP {self.status}) is not JSON: "
                f"{_excerpt(self.text)!r}", http_status=self.status) from None

    def raise_for_status(self) -> "Response":
        """Raise :class:`HTTPStatusError` for a 4xx or 5xx status; return self otherwise."""
        if self.status >= 400:
            try:
                code = _gateway_code(json.loads(self.text))
            except ValueError:
                code = ""
            raise HTTPStatusError(
                f"HTTP {self.status} from {self.method} {self.url}: {_excerpt(self.text)}",
                http_status=self.status, gateway_code=code, response=self)
        return self

    def __repr__(self) -> str:
        return f"<Response [{self.status}]>"
