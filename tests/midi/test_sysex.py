"""A `.syx` file: whole F0 ... F7 messages or a refusal naming the file and the byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.errors import MidiFileError
from tracker.midi.sysex import GAP_NS, MAX_SYX_BYTES, paced, read_sysex, sending_time_ns

PATCH = bytes([0xF0, 0x00, 0x20, 0x29, 0x01, 0x7F, 0xF7])
GREETING = bytes([0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7])


def syx(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "patch.syx"
    path.write_bytes(data)
    return path


def test_a_file_of_messages_back_to_back_is_read_message_by_message(tmp_path: Path) -> None:
    assert read_sysex(syx(tmp_path, PATCH + GREETING)) == [PATCH, GREETING]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x00" + PATCH, "byte 0 is 00, expected F0"),
        (PATCH + b"\x90\x3c\x40", "byte 7 is 90, expected F0"),
        (bytes([0xF0, 0x01, 0x80, 0xF7]), "byte 2 is 80 inside the message that starts at byte 0"),
        (PATCH + bytes([0xF0, 0x01, 0x02]), "the message that starts at byte 7 has no F7"),
        (b"", "the SysEx file is empty"),
    ],
)
def test_malformed_sysex_is_refused_with_the_file_and_the_byte_offset(
    tmp_path: Path, data: bytes, says: str
) -> None:
    path = syx(tmp_path, data)
    with pytest.raises(MidiFileError) as caught:
        read_sysex(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert says in str(caught.value)


def test_a_file_too_large_for_a_synth_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = syx(tmp_path, bytes([0xF0]) + bytes(MAX_SYX_BYTES) + bytes([0xF7]))
    with pytest.raises(MidiFileError, match="too large for a SysEx file"):
        read_sysex(path)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MidiFileError, match="cannot read the SysEx file"):
        read_sysex(tmp_path / "nowhere.syx")


def test_messages_leave_at_midi_wire_speed_with_a_gap_after_each() -> None:
    timed = paced([PATCH, GREETING], 1_000)
    wire_ns = round(len(PATCH) * 1e9 / 3125)  # 7 bytes at 31250 baud: 2.24 ms
    assert timed == [(1_000, PATCH), (1_000 + wire_ns + GAP_NS, GREETING)]
    assert sending_time_ns([PATCH, GREETING]) == wire_ns + GAP_NS + round(
        len(GREETING) * 1e9 / 3125
    )
