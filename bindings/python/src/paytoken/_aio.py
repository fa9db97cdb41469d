"""The asyncio client: the blocking calls run on worker threads, never on the event loop."""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, Awaitable, Callable, Mapping, Optional, TypeVar

from ._api import ApiBase, Body, Params, Stats
from ._client import Client
from ._response import Response

T = TypeVar("T")

# Threads only wait on the network here, so allow many more than asyncio's default
# executor (min(32, cpus + 4)): 30 slow requests must not hold up a fast one.
EXECUTOR_THREADS = 64

_executor: Optional[ThreadPoolExecutor] = None
_executor_lock = threading.Lock()


def _shared_executor() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(EXECUTOR_THREADS, thread_name_prefix="paytoken")
        return _executor


def _forget_executor_after_fork() -> None:
    # The parent's worker threads do not exist in the child: start a new pool there.
    global _executor, _executor_lock
    _executor, _executor_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_executor_after_fork)


class AsyncClient(ApiBase[Awaitable[Response]]):
    """The asyncio twin of :class:`Client`: same factories, same arguments, awaitable
    ``token()`` and ``request()``/``get()``/``post()``/...

    Each network call runs on a thread of a shared pool (or ``executor``), so the event
    loop keeps running while a gateway is slow. Cancelling the awaiting task does not
    stop a request already sent: as with a timeout, its outcome at the gateway is unknown.
    ``invalidate()`` and ``stats()`` do no I/O and are plain methods.
    """

    def __init__(self, config: Mapping[str, Any], *, executor: Optional[Executor] = None) -> None:
        self._client = Client(config)
        self._executor = executor

    @property
    def gateway(self) -> str:
        return self._client.gateway

    async def token(self) -> str:
        """The current access token (see :meth:`Client.token`)."""
        return await self._run(self._client.token)

    def invalidate(self, token: Optional[str] = None) -> None:
        """See :meth:`Client.invalidate`."""
        self._client.invalidate(token)

    def stats(self) -> Stats:
        """See :meth:`Client.stats`."""
        return self._client.stats()

    async def request(self, method: str, path: str, *, params: Optional[Params] = None,
                      json: Any = None, data: Optional[Body] = None,
                      headers: Optional[Mapping[str, str]] = None,
                      timeout: Optional[float] = None) -> Response:
        """See :meth:`Client.request`."""
        return await self._run(self._client.request, method, path, params=params, json=json,
                               data=data, headers=headers, timeout=timeout)

    def close(self) -> None:
        self._client.close()

    async def aclose(self) -> None:
        self._client.close()

    @property
    def closed(self) -> bool:
        return self._client.closed

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self._client.close()

    def __repr__(self) -> str:
        return f"<paytoken.AsyncClient {self.gateway}{' closed' if self.closed else ''}>"

    def __reduce__(self) -> Any:
        return self._client.__reduce__()

    def _run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> "asyncio.Future[T]":
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(self._executor or _shared_executor(),
                                    functools.partial(function, *args, **kwargs))
