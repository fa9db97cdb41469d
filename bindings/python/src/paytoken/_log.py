"""The library's log records into Python's ``logging`` (logger ``"paytoken"``).

The library queues records without blocking the calling thread and hands them to the
callback below on its own thread ("paytoken-log"); ctypes takes the GIL there, so a
slow handler delays only that thread. Records are collected at the level the
``paytoken`` logger is enabled for (checked when a client is made, or by
:func:`sync_level`): with logging left at WARNING nothing is collected at all.
Messages show tokens and secrets only as ``fp:`` fingerprints.
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any

from . import _native

logger = logging.getLogger("paytoken")

_LEVELS = {1: logging.INFO, 2: logging.DEBUG}
_lock = threading.Lock()
_current = -1


def _deliver(_user_data: Any, level: int, message: Any, length: int) -> None:
    try:
        text = _native.ctypes.string_at(message, length).decode("utf-8", "replace")
        logger.log(_LEVELS.get(level, logging.DEBUG), "%s", text)
    except Exception:  # never let an exception unwind into the library's thread
        pass


_callback = _native.LogCallback(_deliver)


def sync_level() -> int:
    """Collect records at the level the ``paytoken`` logger is enabled for (0: none).
    Called when a client is made; call it after changing logging's configuration."""
    global _current
    if logger.isEnabledFor(logging.DEBUG):
        level = 2
    elif logger.isEnabledFor(logging.INFO):
        level = 1
    else:
        level = 0
    with _lock:
        if level != _current:
            _native.log_configure(level, _callback if level else None)
            _current = level
    return level


def dropped() -> int:
    """Records the library dropped because its queue was full (process lifetime)."""
    return _native.log_dropped()


@atexit.register
def _stop() -> None:
    # The interpreter is going away: stop calling into it.
    with _lock:
        _native.log_configure(0, None)
