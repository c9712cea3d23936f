"""Ogg pages, the unit a stream is cut at: a listener who joins late, or whose
data is dropped, gets whole pages, which a decoder can always resync on.

Only the framing is read here (RFC 3533, section 6): the capture pattern, the
granule position and the segment table that gives the page's length.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

CAPTURE = b"OggS"
_HEADER = struct.Struct("<4sBBqIIIB")
"""Capture pattern, version, flags, granule position, serial, sequence, CRC, segments."""


@dataclass(frozen=True)
class Page:
    data: bytes
    granule: int

    @property
    def is_header(self) -> bool:
        """The Opus identification and comment pages (RFC 7845 section 3): a
        listener needs them before any audio page, whenever it joins."""
        body = self.data[_HEADER.size + self.data[_HEADER.size - 1] :]
        return self.granule == 0 and body[:8] in (b"OpusHead", b"OpusTags")


class PageSplitter:
    """Cuts bytes written by a muxer into whole pages, however they were chunked."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Page]:
        self._buffer += data
        pages = []
        while len(self._buffer) >= _HEADER.size:
            capture, _version, _flags, granule, _serial, _seq, _crc, segments = _HEADER.unpack_from(
                self._buffer
            )
            if capture != CAPTURE:
                raise ValueError("not an Ogg stream: a page does not start with OggS")
            table_end = _HEADER.size + segments
            if len(self._buffer) < table_end:
                break
            end = table_end + sum(self._buffer[_HEADER.size : table_end])
            if len(self._buffer) < end:
                break
            pages.append(Page(bytes(self._buffer[:end]), granule))
            del self._buffer[:end]
        return pages
