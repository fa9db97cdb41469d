"""A loopback HTTP endpoint that receives the simulator's webhooks exactly as sent (the
raw body bytes and headers), for the verification tests and the README examples."""

from __future__ import annotations

import http.server
import queue
import threading
from typing import Callable, Dict, List, Optional, Tuple

Handler = Callable[[bytes, Dict[str, str]], Tuple[int, str]]


class WebhookReceiver:
    """``next()`` blocks until a webhook arrives (the delivery is the event a test waits
    on). ``handler(body, headers) -> (status, text)`` answers it; by default 200 "OK"."""

    def __init__(self, handler: Optional[Handler] = None) -> None:
        self.received: "queue.Queue[Tuple[Dict[str, str], bytes]]" = queue.Queue()
        self.statuses: List[int] = []
        receiver = self

        class Endpoint(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, text = (handler or (lambda b, h: (200, "OK")))(body, headers)
                receiver.statuses.append(status)
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                receiver.received.put((headers, body))

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self) -> Tuple[Dict[str, str], bytes]:
        # A bound on a broken simulator only; the delivery itself is what is waited on.
        return self.received.get(timeout=30)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
