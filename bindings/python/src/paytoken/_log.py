"""The library's log records into Python's ``logging`` (logger ``"paytoken"``).

The library queues records without blocking the calling thread and hands them to the
callback below on its own thread ("paytoken-log"); ctypes takes the GIL there, so a
slow handler delays only that thread. Levels are the same in every binding: routine
records (a token fetched, a cache hit, a failed call) are DEBUG, the library's warnings
(a failed token request, the token-storm guard holding requests back, records dropped
because the queue was full) are WARNING: so the default configuration shows warnings
only (Python's last-resort handler prints them on stderr). What is collected follows the
``paytoken`` logger's effective level, checked at every call that can make a record (a
warm ``token()`` asks only whether DEBUG is on: a cache hit makes no other record):
everything while it is enabled for DEBUG, the warnings while it is enabled for WARNING,
nothing else; configure logging before or after making clients, it makes no difference. Messages show tokens and secrets only as
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
# What the library collects: 2 everything, 3 its warnings only, 0 nothing.
_COLLECT_ALL, _COLLECT_WARNINGS, _COLLECT_NONE = 2, 3, 0
#: The collecting level at which cache hits are logged (debug records).
COLLECT_ALL = _COLLECT_ALL
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
    """Collect every record while the ``paytoken`` logger is enabled for DEBUG (2), the
    warnings while it is enabled for WARNING (3), else none (0). Called at every call, so
    configuring logging at any time takes effect."""
    global _current
    if logger.isEnabledFor(logging.DEBUG):
        level = _COLLECT_ALL
    elif logger.isEnabledFor(logging.WARNING):
        level = _COLLECT_WARNINGS
    else:
        level = _COLLECT_NONE
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
