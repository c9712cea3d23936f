"""Blocks of float audio in, Ogg/Opus pages out: libopus through PyAV (a well-kept
encoder, not one of ours), each 10 ms Opus frame on an Ogg page of its own the
moment it is encoded (ogg.PageWriter; RFC 7845 for the two header packets).

FFmpeg's Ogg muxer held every page back until the next one began, so a key was
heard one frame later than it was encoded (10 ms, measured in bench/bench_listen.py);
the framing is a few lines, so it is written here instead. Input at any rate is
resampled to Opus's 48 kHz.
"""

from __future__ import annotations

import secrets
import struct
from typing import TYPE_CHECKING, Any

import numpy as np

from tracker.listen.ogg import FIRST_PAGE, LAST_PAGE, Page, PageWriter

if TYPE_CHECKING:
    from av.packet import Packet
    from numpy.typing import NDArray

OPUS_RATE = 48000
BITRATE = 128_000
FRAME_MS = 10
"""Opus frames of 10 ms in libopus's low-delay mode: a key heard on the stream waits
for one frame, not one of 20 ms (measured in bench/bench_listen.py)."""
VENDOR = b"tracker (libopus through PyAV)"


def opus_tags(title: str) -> bytes:
    """The comment header (RFC 7845 section 5.2): the vendor, and the song's title."""
    comments = [f"TITLE={title}".encode()] if title else []
    parts = [b"OpusTags", struct.pack("<I", len(VENDOR)), VENDOR]
    parts.append(struct.pack("<I", len(comments)))
    for comment in comments:
        parts += [struct.pack("<I", len(comment)), comment]
    return b"".join(parts)


class OpusEncoder:
    """One endless stream. `headers` are the pages every new listener starts with;
    `encode` returns the audio pages a block completes (often none: Opus works in
    10 ms frames)."""

    def __init__(self, rate: int, *, bitrate: int = BITRATE, title: str = "") -> None:
        import av  # only the listening path pays for FFmpeg

        self._av = av
        codec = av.CodecContext.create("libopus", "w")
        codec.sample_rate = OPUS_RATE
        codec.layout = "stereo"
        codec.format = "flt"
        codec.bit_rate = bitrate
        codec.options = {"frame_duration": str(FRAME_MS), "application": "lowdelay"}
        codec.open()
        self._codec = codec
        self._rate = rate
        self._resampler = (
            None
            if rate == OPUS_RATE
            else av.AudioResampler(format="flt", layout="stereo", rate=OPUS_RATE)
        )
        self._frames = 0
        self._granule = 0
        """48 kHz samples in the packets written so far, the pre-skip included."""
        self._pages = PageWriter(secrets.randbits(32))
        head = self._pages.page(bytes(codec.extradata or b""), 0, FIRST_PAGE)
        self.headers: bytes = head.data + self._pages.page(opus_tags(title), 0).data

    def encode(self, block: NDArray[np.float32]) -> list[Page]:
        """`block`: (frames, 2) float32 in -1..1."""
        frame = self._av.AudioFrame.from_ndarray(
            np.ascontiguousarray(block, dtype=np.float32).reshape(1, -1),
            format="flt",
            layout="stereo",
        )
        frame.sample_rate = self._rate
        frame.pts = self._frames
        self._frames += len(block)
        frames = self._resampler.resample(frame) if self._resampler else [frame]
        pages: list[Page] = []
        for each in frames:
            pages += self._write(self._codec.encode(each))
        return pages

    def close(self) -> list[Page]:
        """Flush the encoder and end the stream; the last pages."""
        pages = self._write(self._codec.encode(None))
        if pages:
            last = pages[-1]
            pages[-1] = self._rewrite_last(last)
        return pages

    def _write(self, packets: list[Packet[Any]]) -> list[Page]:
        pages = []
        for packet in packets:
            self._granule += packet.duration or OPUS_RATE * FRAME_MS // 1000
            pages.append(self._pages.page(bytes(packet), self._granule))
        return pages

    def _rewrite_last(self, page: Page) -> Page:
        """The stream's last page carries the end-of-stream flag."""
        self._pages.sequence -= 1
        (packet,) = page.packets()
        return self._pages.page(packet, page.granule, LAST_PAGE)
