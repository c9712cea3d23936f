"""Ogg pages, the unit a stream is cut at: a listener who joins late, or whose
data is dropped, gets whole pages, which a decoder can always resync on.

Only the framing (RFC 3533, section 6): `PageSplitter` reads the capture pattern,
the granule position and the segment table that gives a page's length;
`PageWriter` puts one packet on a page of its own, at once, so a listener gets each
Opus frame as soon as it is encoded (a muxer holds a page back until the next one
starts: one frame later).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

CAPTURE = b"OggS"
_HEADER = struct.Struct("<4sBBqIIIB")
"""Capture pattern, version, flags, granule position, serial, sequence, CRC, segments."""
_CRC_OFFSET = 22
FIRST_PAGE, LAST_PAGE = 0x02, 0x04
"""Header type flags: beginning and end of the stream."""
MAX_PACKET = 255 * 255 - 1
"""The largest packet one page holds (255 lacing values)."""


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc_table()


def ogg_crc(data: bytes | bytearray) -> int:
    """Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected, no final xor: not zlib's)."""
    crc, table = 0, _CRC_TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ table[(crc >> 24) ^ byte]
    return crc


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

    def packets(self) -> list[bytes]:
        """The page's whole packets, by its lacing values (a packet continued on the
        next page is left out: our writer never splits one)."""
        count = self.data[_HEADER.size - 1]
        pos = _HEADER.size + count
        found, size = [], 0
        for lacing in self.data[_HEADER.size : _HEADER.size + count]:
            size += lacing
            if lacing < 255:
                found.append(self.data[pos : pos + size])
                pos, size = pos + size, 0
        return found


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


class PageWriter:
    """One logical stream's pages, each holding one whole packet."""

    def __init__(self, serial: int) -> None:
        self.serial = serial
        self.sequence = 0

    def page(self, packet: bytes, granule: int, flags: int = 0) -> Page:
        if len(packet) > MAX_PACKET:
            raise ValueError(f"a packet of {len(packet)} bytes does not fit on one page")
        full, rest = divmod(len(packet), 255)
        lacing = bytes([255] * full + [rest])
        header = _HEADER.pack(
            CAPTURE, 0, flags, granule, self.serial, self.sequence, 0, len(lacing)
        )
        self.sequence += 1
        data = bytearray(header + lacing + packet)
        struct.pack_into("<I", data, _CRC_OFFSET, ogg_crc(data))
        return Page(bytes(data), granule)
