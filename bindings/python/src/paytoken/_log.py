"""The library's log records into Python's ``logging`` (logger ``"paytoken"``).

The library queues records without blocking the calling thread and hands them to the
callback below on its own thread ("paytoken-log"); ctypes takes the GIL there, so a
slow handler delays only that thread. Levels are the same in every binding: routine
records (a token fetched, a cache hit, a failed call) are DEBUG, warnings (records
dropped because the queue was full; the library's warning records) are WARNING, so the
default configuration prints nothing. Records are collected while the ``paytoken``
logger is enabled for DEBUG, checked at every call: configure logging before or after
making clients, it makes no difference. Messages show tokens and secrets only as
``fp:`` fingerprints.
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any

from . import _native

logger = logging.getLogger("paytoken")

# The library's record levels: 1 and 2 are routine (fetches; cache hits), 3 a warning.
_LEVELS = {1: logging.DEBUG, 2: logging.DEBUG, 3: logging.WARNING}
_lock = threading.Lock()
_current = -1
_dropped_seen = 0


def _deliver(_user_data: Any, level: int, message: Any, length: int) -> None:
    try:
        text = _native.ctypes.string_at(message, length).decode("utf-8", "replace")
        logger.log(_LEVELS.get(level, logging.DEBUG), "%s", text)
        _warn_if_dropped()
    except Exception:  # never let an exception unwind into the library's thread
        pass


_callback = _native.LogCallback(_deliver)


def _warn_if_dropped() -> None:
    global _dropped_seen
    dropped_now = _native.log_dropped()
    if dropped_now > _dropped_seen:
        logger.warning("%d log records were dropped (the library's queue was full)",
                       dropped_now - _dropped_seen)
        _dropped_seen = dropped_now


def sync_level() -> int:
    """Collect records while the ``paytoken`` logger is enabled for DEBUG (2), else none
    (0). Called at every call, so configuring logging at any time takes effect."""
    global _current
    level = 2 if logger.isEnabledFor(logging.DEBUG) else 0
    if level == _current:
        return level
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
