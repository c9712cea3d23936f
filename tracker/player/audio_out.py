"""What the player's own audio process serves and writes (PlayerConfig.audio_out):
the HTTP stream (`--listen`) and the capture (`--record-audio`).

Small and import-light: the UI and the CLI build it; the player process hands it
to `python -m tracker.player.audio_process` (audio_link.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the player process imports this module: keep it light
    from tracker.listen.address import ListenAddress


@dataclass(frozen=True)
class AudioOut:
    listen: ListenAddress | None = None
    """Serve the live mix over HTTP here (None: no stream)."""
    token: str | None = None
    """Required in the URL away from loopback (None there: the server makes one)."""
    record: Path | None = None
    """Capture the live mix to this .wav or .flac file."""
    bits: int | str = 24
    """The capture's sample format, as `tracker render --bits`."""
    title: str = ""
    """The song's title, for the listener's page."""
    fallback: bool = False
    """`--listen-fallback`: hardware-device tracks are streamed through their soundfont
    stand-in too (they sound in the server's room; without it the stream leaves them out)."""
    rate: int = 44100
    delay_ms: float = 0.0
    """`--listen-delay MS`: the editor shows the playhead this much later, moving with
    what the listener hears (the stream's and the listener's own buffering)."""


def audio_out_for(
    title: str,
    listen: ListenAddress | None,
    record: Path | None = None,
    delay_ms: float = 0.0,
    fallback: bool = False,
) -> AudioOut | None:
    """The audio process's work for `--listen` and `--record-audio`, when there is
    some: a random token for a stream served beyond this machine, the capture's file
    name checked before anything plays (AudioError). `fallback` without either is a
    UsageError: there is nothing for it to go into."""
    import secrets

    if listen is None and record is None:
        if fallback:
            from tracker.errors import UsageError

            raise UsageError("--listen-fallback needs --listen or --record-audio")
        return None
    if record is not None:
        from tracker.audio.capture import capture_format

        capture_format(record, AudioOut.rate)
    token = None if listen is None or listen.is_loopback else secrets.token_hex(8)
    return AudioOut(
        listen=listen,
        token=token,
        record=record and record.absolute(),
        title=title,
        fallback=fallback,
        delay_ms=delay_ms,
    )


@dataclass(frozen=True)
class AudioStats:
    """What the audio process reports, about ten times a second."""

    peak: float
    """The mix's highest sample since the last report (1.0 = full scale)."""
    clipped: bool
    """Some sample reached full scale since the start."""
    dropouts: int
    """Turns that found the audio further behind the wall clock than a card's buffer."""
    late_events: int
    """Events that came after their block was rendered."""
    listeners: int
    dropped_pages: int
    """Stream pages a stalled listener missed (its loss, never the player's)."""
    recorded_s: float | None
    """Seconds captured so far (None: not capturing)."""
    cpu_s: float
    """CPU time the audio process has used."""
    rendered_s: float
    """Seconds of audio rendered (silence included)."""

    def summary(self) -> str:
        """`2 listening  rec 12.3 s  peak -6.0 dBFS` for the status line."""
        level = 20 * math.log10(self.peak) if self.peak > 0 else -math.inf
        parts = [f"{self.listeners} listening"] if self.listeners else []
        if self.recorded_s is not None:
            parts.append(f"rec {self.recorded_s:.1f} s")
        parts.append(f"peak {level:.1f} dBFS" if level > -120 else "peak -inf")
        if self.clipped:
            parts.append("CLIP")
        if self.dropouts:
            parts.append(f"dropouts {self.dropouts}")
        return "  ".join(parts)
