"""Blocks of float audio in, Ogg/Opus pages out, through PyAV (libopus and
FFmpeg's Ogg muxer: a well-kept encoder, not one of ours).

Pages are cut every 10 ms (one Opus frame) so a listener hears the audio within
a frame of its being made, not after the muxer's default second. Input at any
rate is resampled to Opus's 48 kHz.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tracker.listen.ogg import Page, PageSplitter

if TYPE_CHECKING:
    from numpy.typing import NDArray

OPUS_RATE = 48000
BITRATE = 128_000
PAGE_MICROSECONDS = 10_000
FRAME_MS = 10
"""Opus frames of 10 ms in libopus's low-delay mode: a key heard on the stream waits
for one frame and one page, not two of 20 ms (measured in bench/bench_listen.py)."""


class _Pages:
    """The file the muxer writes into: its bytes become pages at once."""

    def __init__(self) -> None:
        self.splitter = PageSplitter()
        self.ready: list[Page] = []

    def write(self, data: bytes) -> int:
        self.ready += self.splitter.feed(bytes(data))
        return len(data)

    def take(self) -> list[Page]:
        pages, self.ready = self.ready, []
        return pages


class OpusEncoder:
    """One endless stream. `headers` are the pages every new listener starts with;
    `encode` returns the audio pages a block completes (often none: Opus works in
    10 ms frames)."""

    def __init__(self, rate: int, *, bitrate: int = BITRATE, title: str = "") -> None:
        import av  # only the listening path pays for FFmpeg

        self._av = av
        self._out = _Pages()
        self._container = av.open(
            self._out, mode="w", format="ogg", options={"page_duration": str(PAGE_MICROSECONDS)}
        )
        if title:
            self._container.metadata["title"] = title
        self._stream = self._container.add_stream("libopus", rate=OPUS_RATE, layout="stereo")
        self._stream.bit_rate = bitrate
        self._stream.options = {"frame_duration": str(FRAME_MS), "application": "lowdelay"}
        self._rate = rate
        self._resampler = (
            None
            if rate == OPUS_RATE
            else av.AudioResampler(format="flt", layout="stereo", rate=OPUS_RATE)
        )
        self._frames = 0
        self.headers: bytes = b""

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
        for each in frames:
            for packet in self._stream.encode(each):
                self._container.mux(packet)
        return self._audio_pages()

    def close(self) -> list[Page]:
        """Flush the encoder and end the stream; the last pages."""
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()
        return self._audio_pages()

    def _audio_pages(self) -> list[Page]:
        pages = self._out.take()
        audio = []
        for page in pages:
            if page.is_header:
                self.headers += page.data
            else:
                audio.append(page)
        return audio
