"""`--listen [HOST:]PORT`: where the stream is served, and how a laptop reaches it."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True)
class ListenAddress:
    host: str
    port: int

    @property
    def is_loopback(self) -> bool:
        """Only this machine can connect: no token needed (SSH forwards the port)."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def ssh_forward(self) -> str:
        """The line to run on the laptop: forward its PORT to ours over SSH."""
        return f"ssh -L {self.port}:127.0.0.1:{self.port} {socket.gethostname()}"


def parse_listen(text: str) -> ListenAddress:
    """`8765`, `127.0.0.1:8765`, `0.0.0.0:8765` or `[::1]:8765`; ValueError says what
    was expected."""
    host, sep, port_text = text.strip().rpartition(":")
    if not sep:
        host = DEFAULT_HOST
    elif host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        raise ValueError(f"expected [HOST:]PORT, got {text!r}")
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"expected [HOST:]PORT with a port number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"expected a port from 1 to 65535 (0: any free port), got {port}")
    return ListenAddress(host, port)
