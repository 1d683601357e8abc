"""``incidentctl alert serve``: an HTTP receiver Alertmanager can post webhooks to.

Each accepted delivery is appended to the spool and fsynced before the 2xx answer, so a
crash after answering loses nothing; a retried delivery (same body) is acknowledged and
not stored twice. Commits are batched every ``flush_seconds`` and on shutdown (SIGTERM).
"""

from __future__ import annotations

import hmac
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from incidentctl.core.errors import IncidentctlError, RefusedError, UsageError
from incidentctl.detect import service, spool
from incidentctl.workspace import Workspace

PATHS = ("/", "/alerts", "/api/v1/alerts", "/webhook")
DRAIN_LIMIT = 32 * 1024 * 1024


class Receiver:
    """Shared state of the receiving server."""

    def __init__(self, ws: Workspace, token: str | None) -> None:
        self.ws = ws
        self.token = token
        self.limit = ws.config.alerts.max_request_bytes
        self.lock = threading.Lock()
        self.known = spool.known_deliveries(ws.layout)
        self.stored = 0

    def fresh(self) -> Workspace:
        """A workspace with its own notion of now (one per flush; config re-read)."""
        return Workspace(self.ws.layout, self.ws.clock, self.ws.use_cache)

    def flush(self) -> None:
        """Commit what was received since the last flush, then auto-declare."""
        with self.lock:
            try:
                ws = self.fresh()
                if service.commit_spool(ws, "alerts: store received notifications"):
                    self.log("committed received alerts")
                declared = service.auto_declare(ws)
                for incident in declared:
                    self.log(f"declared incident {incident} from an alert group")
            except IncidentctlError as exc:
                self.log(f"flush failed: {exc.message}")

    @staticmethod
    def log(message: str) -> None:
        sys.stderr.write(f"incidentctl alert serve: {message}\n")
        sys.stderr.flush()


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "incidentctl"
        sys_version = ""

        def _reply(self, code: int, body: dict[str, Any]) -> None:
            data = (json.dumps(body) + "\n").encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            receiver.log(f"{self.address_string()} {format % args}")

        def do_GET(self) -> None:
            if self.path in ("/healthz", "/-/healthy"):
                self._reply(200, {"status": "ok"})
            else:
                self._reply(404, {"error": "not found"})

        def do_POST(self) -> None:
            if self.path.split("?", 1)[0] not in PATHS:
                self._reply(404, {"error": f"post alerts to one of {', '.join(PATHS)}"})
                return
            if receiver.token is not None:
                given = self.headers.get("Authorization", "")
                expected = f"Bearer {receiver.token}"
                if not hmac.compare_digest(given.encode(), expected.encode()):
                    self._reply(401, {"error": "missing or wrong bearer token"})
                    return
            length_text = self.headers.get("Content-Length")
            if length_text is None:
                self._reply(411, {"error": "Content-Length is required"})
                return
            try:
                length = int(length_text)
            except ValueError:
                length = -1
            if length < 0 or len(length_text) > 20:
                self._reply(400, {"error": "bad Content-Length"})
                self.close_connection = True
                return
            if length > receiver.limit:
                # Read (and drop) a moderately large body first, so the client gets the
                # answer instead of a reset connection.
                left = length if 0 < length <= DRAIN_LIMIT else 0
                while left > 0:
                    chunk = self.rfile.read(min(left, 1 << 16))
                    if not chunk:
                        break
                    left -= len(chunk)
                self._reply(413, {"error": f"body larger than {receiver.limit} bytes"})
                self.close_connection = True
                return
            body = self.rfile.read(length)
            try:
                with receiver.lock:
                    count, duplicate = service.store(
                        receiver.ws, body, known=receiver.known, now=receiver.ws.clock()
                    )
            except UsageError as exc:
                self._reply(400, {"error": exc.message})
                return
            except RefusedError as exc:
                self._reply(422, {"error": exc.message})
                return
            except IncidentctlError as exc:
                self._reply(503, {"error": exc.message})
                return
            except Exception as exc:  # a bug: one log line and a 500, never a traceback
                receiver.log(f"internal error on a delivery: {type(exc).__name__}: {exc}")
                self._reply(500, {"error": "internal error; the delivery was not stored"})
                return
            if duplicate:
                self._reply(200, {"status": "duplicate"})
            else:
                receiver.stored += count
                self._reply(200, {"status": "stored", "alerts": count})

    return Handler


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 resets connections from ~25 concurrent senders.
    request_queue_size = 512
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]  # one line in the log, never a traceback
        Receiver.log(f"connection from {client_address!r} failed: {type(exc).__name__}: {exc}")


def serve(ws: Workspace, host: str, port: int, token: str | None) -> None:
    """Run until SIGTERM or Ctrl-C."""
    receiver = Receiver(ws, token)
    receiver.flush()  # commit anything a previous run stored but did not commit
    try:
        httpd = _Server((host, port), _handler(receiver))
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    httpd.daemon_threads = True
    stop = threading.Event()

    def shutdown(*_: object) -> None:
        if not stop.is_set():
            stop.set()
            threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)

    def flusher() -> None:
        while not stop.wait(ws.config.alerts.flush_seconds):
            receiver.flush()

    threading.Thread(target=flusher, daemon=True).start()
    bound = httpd.server_address
    receiver.log(f"listening on http://{bound[0]!s}:{bound[1]} (POST {PATHS[1]}, GET /healthz)")
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
        receiver.flush()
        receiver.log(f"stopped; {receiver.stored} alert(s) received")
