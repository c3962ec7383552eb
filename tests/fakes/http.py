"""A loopback HTTP server that records requests and answers from a script (slack-sdk and openai
use urllib/httpx2, which `responses` cannot intercept)."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from requests.structures import CaseInsensitiveDict


@dataclass
class Reply:
    status: int = 200
    body: str | bytes | dict | list = ""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    method: str
    path: str
    headers: CaseInsensitiveDict
    body: bytes
    at: float

    def json(self):
        return json.loads(self.body)


class FakeServer:
    """`handler(request) -> Reply` decides each answer; every request is kept in `.requests`."""

    def __init__(self, handler):
        self.handler = handler
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        self.clock = time.monotonic  # a test may give its own, to time requests on its clock
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                received = Received(self.command, self.path, CaseInsensitiveDict(self.headers),
                                    self.rfile.read(length), fake.clock())
                with fake.lock:
                    fake.requests.append(received)
                reply = fake.handler(received)
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body
                content_type = "text/plain"
                if isinstance(body, (dict, list)):
                    body, content_type = json.dumps(body), "application/json"
                data = body.encode() if isinstance(body, str) else body
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.headers.pop("Content-Type", content_type)
                                     if reply.headers else content_type)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout under test)

            do_POST = do_GET = do_PATCH = _serve

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
