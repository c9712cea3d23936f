"""MIDI messages as the bytes a synth receives, and the stuck notes among them: what
the player tests expect at a JACK port (tests/player/test_playback_*.py)."""

from __future__ import annotations


def on(note: int, velocity: int, channel: int = 0) -> bytes:
    return bytes((0x90 | channel, note, velocity))


def off(note: int, channel: int = 0) -> bytes:
    return bytes((0x80 | channel, note, 0))


def all_notes_off(channel: int = 0) -> bytes:
    return bytes((0xB0 | channel, 123, 0))


def notes_left_on(messages: list[bytes]) -> set[tuple[int, int]]:
    """(channel, note) pairs whose last word was a note-on: stuck notes."""
    sounding: set[tuple[int, int]] = set()
    for m in messages:
        if m[0] & 0xF0 == 0x90 and m[2] > 0:
            sounding.add((m[0] & 0x0F, m[1]))
        elif m[0] & 0xF0 in (0x80, 0x90):
            sounding.discard((m[0] & 0x0F, m[1]))
        elif m[0] & 0xF0 == 0xB0 and m[1] == 123:
            sounding = {s for s in sounding if s[0] != m[0] & 0x0F}
    return sounding
