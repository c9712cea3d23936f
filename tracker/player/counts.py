"""What the player sent and how late: the figures of Status and SendLog, kept apart
from the transport's other state (sends.py adds to them once an instant is over)."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field


@dataclass(slots=True)
class SendCounts:
    keep_log: bool = False
    """PlayerConfig.record_sends: keep every send in `log`."""
    sent: int = 0
    late: int = 0
    """Sends more than LATE_NS after their deadline (sends.py)."""
    max_late_ns: int = 0
    lateness: array[int] = field(default_factory=lambda: array("q"))
    """Each send's lateness, ns, up to MAX_LATENESS_SAMPLES (sends.py)."""
    log: list[tuple[int, int, str, bytes]] = field(default_factory=list)
    """(sent ns, deadline ns, port key, bytes) when PlayerConfig.record_sends."""

    def record(self, now: int, key: str, data: bytes) -> None:
        """A message sent at once (a preview's), for the send log when kept."""
        if self.keep_log:
            self.log.append((now, now, key, data))
