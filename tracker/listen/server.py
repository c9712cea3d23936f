"""The HTTP side: `GET /` a small page with a player, `GET /stream.ogg` the endless
stream, `GET /state.json` what the page shows. Each listener has a thread of its
own that only ever waits on its own queue and socket (broadcast.py), so nothing a
listener does reaches the audio or the player.

Loopback needs no token (the laptop comes in through `ssh -L`); any other address
requires the random token in the URL and answers 403 without it.
"""

from __future__ import annotations

import hmac
import html
import json
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tracker.errors import ListenError
from tracker.listen.address import ListenAddress
from tracker.listen.broadcast import Broadcast

SEND_TIMEOUT = 10.0
"""A listener whose socket takes no data for this long is let go."""
SEND_BUFFER = 64 * 1024
"""The kernel's share of a listener's backlog (about 4 s at 128 kb/s): the rest waits
in the listener's queue, where falling behind is seen and counted."""


@dataclass(frozen=True)
class NowPlaying:
    title: str
    state: str
    """"playing", "paused" or "stopped"."""


_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title} - tracker</title>
<style>body{{font-family:monospace;background:#111;color:#ddd;margin:2em}}</style></head>
<body><h1>{title}</h1><p>transport: <span id="state">{state}</span></p>
<audio controls autoplay src="/stream.ogg{query}"></audio>
<script>
setInterval(async () => {{
  const r = await fetch("/state.json{query}");
  if (r.ok) document.getElementById("state").textContent = (await r.json()).state;
}}, 1000);
</script></body></html>
"""


class ListenServer:
    def __init__(
        self,
        address: ListenAddress,
        broadcast: Broadcast,
        now_playing: Callable[[], NowPlaying],
        *,
        token: str | None = None,
    ) -> None:
        self.address = address
        self.broadcast = broadcast
        self.now_playing = now_playing
        self.token = token if token is not None or address.is_loopback else secrets.token_hex(8)
        self._closing = threading.Event()
        try:
            self._http = ThreadingHTTPServer((address.host, address.port), self._handler())
        except OSError as error:
            raise ListenError(
                f"cannot listen on {address.host}:{address.port}: {error.strerror or error}"
            ) from None
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, name="listen", daemon=True)

    @property
    def port(self) -> int:
        return int(self._http.server_address[1])

    @property
    def url(self) -> str:
        host = self.address.host
        shown = f"[{host}]" if ":" in host else host
        query = f"?token={self.token}" if self.token else ""
        return f"http://{shown}:{self.port}/{query}"

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._closing.set()
        self.broadcast.close()
        self._http.shutdown()
        self._http.server_close()

    def _allowed(self, query: str) -> bool:
        if self.token is None:
            return True
        given = parse_qs(query).get("token", [""])[0]
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "tracker"

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: only the command line prints, and a request is not news."""

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if not server._allowed(parts.query):
                    self._reply(
                        403, "text/plain", b"a token is required: use the URL tracker printed\n"
                    )
                elif parts.path == "/":
                    self._reply(200, "text/html; charset=utf-8", self._page(parts.query))
                elif parts.path == "/state.json":
                    playing = server.now_playing()
                    body = json.dumps({"title": playing.title, "state": playing.state})
                    self._reply(200, "application/json", body.encode())
                elif parts.path == "/stream.ogg":
                    self._stream()
                else:
                    self._reply(404, "text/plain", b"not found\n")

            def _page(self, query: str) -> bytes:
                playing = server.now_playing()
                return _PAGE.format(
                    title=html.escape(playing.title),
                    state=html.escape(playing.state),
                    query=html.escape(f"?{query}" if query else ""),
                ).encode()

            def _reply(self, status: int, kind: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def _stream(self) -> None:
                self.close_connection = True
                self.send_response(200)
                self.send_header("Content-Type", "audio/ogg")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.flush()
                self.connection.settimeout(SEND_TIMEOUT)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
                # Each page leaves when written: Nagle would hold a page back until the
                # listener acknowledged the last one (up to a delayed ACK, 40 ms).
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                listener = server.broadcast.join()
                try:
                    while not server._closing.is_set():
                        data = listener.take(timeout=0.5)
                        if data is None:
                            break
                        if data:
                            self.wfile.write(data)
                except OSError:
                    pass  # the listener went away or stalled past SEND_TIMEOUT
                finally:
                    server.broadcast.leave(listener)

        return Handler
