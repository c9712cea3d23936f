"""Ogg pages come out whole however the bytes were cut; the encoder puts each Opus
frame on a page of its own the moment the frame is complete, with a CRC any Ogg
reader accepts."""

from __future__ import annotations

import numpy as np
import pytest

from tracker.listen.ogg import PageSplitter
from tracker.listen.opus import OPUS_RATE, OpusEncoder

FRAME = OPUS_RATE // 100
"""One 10 ms Opus frame at 48 kHz."""


def encoded_stream() -> tuple[bytes, list[bytes]]:
    """A second of a tone through the real encoder: its header, and its audio pages."""
    encoder = OpusEncoder(44100)
    tone = (0.2 * np.sin(np.arange(44100) * 2 * np.pi * 330 / 44100)).astype(np.float32)
    pages = []
    for start in range(0, 44100, 441):
        pages += encoder.encode(np.repeat(tone[start : start + 441, None], 2, axis=1))
    pages += encoder.close()
    return encoder.headers, [page.data for page in pages]


def test_the_header_pages_are_opus_head_and_tags_and_audio_follows() -> None:
    headers, pages = encoded_stream()
    assert headers.startswith(b"OggS") and b"OpusHead" in headers and b"OpusTags" in headers
    assert len(pages) >= 99  # a second of 10 ms pages, resampled from 44.1 kHz
    assert all(page.startswith(b"OggS") for page in pages)


@pytest.mark.parametrize("chunk", [1, 7, 300, 100_000])
def test_pages_are_whole_however_the_bytes_are_cut(chunk: int) -> None:
    headers, pages = encoded_stream()
    whole = headers + b"".join(pages)
    splitter = PageSplitter()
    found = []
    for start in range(0, len(whole), chunk):
        found += [page.data for page in splitter.feed(whole[start : start + chunk])]
    assert b"".join(found) == whole
    assert found[2:] == pages


def test_bytes_that_are_not_ogg_are_refused() -> None:
    with pytest.raises(ValueError, match="OggS"):
        PageSplitter().feed(b"RIFF" + bytes(40))


def test_each_frame_leaves_on_its_own_page_as_soon_as_it_is_complete() -> None:
    """A click in the fifth 10 ms block is on the fifth page, which the fifth block
    completes: no page waits for the next one."""
    import av

    encoder = OpusEncoder(OPUS_RATE)
    blocks = [np.zeros((FRAME, 2), dtype=np.float32) for _ in range(8)]
    blocks[4][100:140] = 0.5
    pages = [encoder.encode(block) for block in blocks]
    assert [len(p) for p in pages] == [1] * 8
    assert [p[0].granule for p in pages] == [FRAME * (n + 1) for n in range(8)]

    decoder = av.CodecContext.create("libopus", "r")
    decoder.sample_rate, decoder.layout = OPUS_RATE, "stereo"
    loud = []
    for p in pages:
        (packet,) = p[0].packets()
        for frame in decoder.decode(av.Packet(packet)):
            samples = frame.to_ndarray()  # libopus decodes to 16-bit integers
            loud.append(float(np.abs(samples).max()) / 32768 > 0.1)
    assert loud.index(True) == 4
