"""A local Slack Web API stub on 127.0.0.1: real HTTP for the real slack-sdk.

It implements what lpss calls (conversations.list/open/history, users.lookupByEmail,
chat.postMessage with metadata) and misbehaves on request: ``fail(method, *faults)`` queues
faults for the next calls of a method: ``"429"`` (rate limited, Retry-After: 1), ``"500"``,
``"drop"`` (connection closed before processing) and ``"drop_after"`` (the message is posted,
then the connection is closed before the answer: the lost-response case). ``hang_seconds`` makes
every call wait that long before answering (an outage that times out).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

DEFAULT_CHANNELS = {"lpss-hr": "CHR", "lpss-executives": "CEXEC", "lpss-data-ops": "CDATA"}


class SlackStub:
    def __init__(self, channels: dict[str, str] | None = None, users: dict[str, str] | None = None):
        self.channels = dict(DEFAULT_CHANNELS if channels is None else channels)
        self.users = dict(users or {})  # e-mail -> user id
        self.messages: dict[str, list[dict]] = defaultdict(list)  # channel id -> messages
        self.calls: dict[str, int] = defaultdict(int)
        self.faults: dict[str, deque] = defaultdict(deque)
        self.token: str | None = None
        self.hang_seconds = 0.0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def __enter__(self) -> SlackStub:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, method: str, *faults: str) -> None:
        self.faults[method].extend(faults)

    def posted(self) -> list[dict]:
        return [m for messages in self.messages.values() for m in messages]

    def _answer(self, method: str, args: dict) -> dict:
        with self._lock:
            if method == "conversations.list":
                return {"ok": True, "channels": [{"id": i, "name": n} for n, i in self.channels.items()]}
            if method == "users.lookupByEmail":
                user = self.users.get(args.get("email", "").lower())
                return (
                    {"ok": True, "user": {"id": user}} if user else {"ok": False, "error": "users_not_found"}
                )
            if method == "conversations.open":
                return {"ok": True, "channel": {"id": f"D{args['users']}"}}
            if method == "chat.postMessage":
                channel = args["channel"]
                if channel not in self.channels.values() and not channel.startswith("D"):
                    return {"ok": False, "error": "channel_not_found"}
                ts = f"{time.time():.6f}"
                message = {
                    "ts": ts,
                    "text": args.get("text"),
                    "blocks": args.get("blocks"),
                    "channel": channel,
                }
                if args.get("metadata"):
                    metadata = args["metadata"]
                    message["metadata"] = json.loads(metadata) if isinstance(metadata, str) else metadata
                self.messages[channel].append(message)
                return {"ok": True, "channel": channel, "ts": ts}
            if method == "conversations.history":
                oldest = float(args.get("oldest") or 0)
                found = [m for m in self.messages.get(args["channel"], []) if float(m["ts"]) >= oldest]
                return {"ok": True, "messages": list(reversed(found)), "has_more": False}
            return {"ok": False, "error": "unknown_method"}

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _reply(self, status: int, body: dict, headers: dict | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _args(self) -> dict:
                args = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if raw:
                    if "json" in (self.headers.get("Content-Type") or ""):
                        args.update(json.loads(raw))
                    else:
                        args.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
                return args

            def _handle(self) -> None:
                method = urlparse(self.path).path.rsplit("/", 1)[-1]
                args = self._args()
                with stub._lock:
                    stub.calls[method] += 1
                    fault = stub.faults[method].popleft() if stub.faults[method] else None
                if stub.hang_seconds:
                    time.sleep(stub.hang_seconds)
                    return  # the client gave up long ago
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if fault == "429":
                    self._reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
                    return
                if fault == "500":
                    self._reply(500, {"ok": False, "error": "internal_error"})
                    return
                if stub.token and self.headers.get("Authorization") != f"Bearer {stub.token}":
                    self._reply(200, {"ok": False, "error": "invalid_auth"})
                    return
                body = stub._answer(method, args)
                if fault == "drop_after":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self._reply(200, body)

            do_GET = _handle
            do_POST = _handle

        return Handler
