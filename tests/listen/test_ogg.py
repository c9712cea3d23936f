"""Ogg pages come out whole however the muxer's writes were cut."""

from __future__ import annotations

import numpy as np
import pytest

from tracker.listen.ogg import PageSplitter
from tracker.listen.opus import OpusEncoder


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
    assert len(pages) >= 45  # a second of 20 ms pages, resampled from 44.1 kHz
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
