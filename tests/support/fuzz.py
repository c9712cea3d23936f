"""Fuzzing the two readers of outside files: mutated valid song files and mutated
valid MIDI files. Whatever the bytes, only our own error escapes (SongFormatError,
MidiFileError), its message names the file and fits a screen, and whatever is
accepted is a song the tracker can save and read back unchanged.

tests/hostile/test_fuzz.py runs each for a few seconds, bench/bench_fuzz.py for a
minute at a time: the very same strategies and checks.
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.command import ROOT
from tests.support.samples import SONG, midi_bytes
from tests.support.strategies import songs
from tracker.engine.timeline import compile_song
from tracker.errors import MidiFileError, SongFormatError
from tracker.midi.smf import timeline_to_bytes
from tracker.midi.smf.import_ import import_midi
from tracker.song.fileformat import dumps, load_bytes, loads

MAX_MESSAGE = 500
"""Longest error message accepted: a few lines of a terminal."""

SONG_BASES: list[bytes] = [
    SONG.encode(),
    *(path.read_bytes() for path in sorted((ROOT / "songs").glob("*.toml"))),
]
"""Valid files to damage: the small hostile song and every shipped song."""

SONG_PAYLOADS: list[bytes] = [
    *(bytes([b]) for b in b"\"'[]{}=.,#\\|\n\t -0123456789ABCDEFXOx^"),
    b"\x00", b"\xff", b"\xc3", b"\xe2\x99", b'"""', b"'''", b"\r\n", b"\r",
    b"nan", b"inf", b"-inf", b"1e308", b"0x7FFFFFFFFFFFFFFF", b"9" * 30, b"9" * 4400,
    b"[" * 50, b"{a=" * 20, b"[[tracks]]\n", b"[patterns.x]\n", b"OFF", b"^^^", b"--- .. .. ...",
]  # fmt: skip
"""Bytes that mean something to TOML, to UTF-8 or to tracker notation."""

MIDI_PAYLOADS: list[bytes] = [
    b"\x00", b"\x7f", b"\x80", b"\x90", b"\xb0", b"\xf0", b"\xf7", b"\xff",
    b"\xff\x2f\x00", b"\xff\x51\x03\x00\x00\x00", b"\xff\x51\x03\xff\xff\xff",
    b"\xff\xff\xff\x7f", b"\x3c\x40", b"MTrk", b"MThd", b"\xff\xff\xff\xff",
]  # fmt: skip
"""Status bytes, meta events, the largest delta, chunk names, huge lengths."""

_EDITS = ["flip", "insert", "delete", "overwrite", "duplicate"]


def mutate(data: bytes, edits: list[tuple[str, int, bytes]]) -> bytes:
    """Apply byte edits; positions wrap around the current length."""
    out = bytearray(data)
    for kind, where, payload in edits:
        at = where % (len(out) + 1)
        if kind == "flip" and at < len(out):
            out[at] ^= payload[0] or 1
        elif kind == "insert":
            out[at:at] = payload
        elif kind == "delete":
            del out[at : at + len(payload)]
        elif kind == "overwrite":
            out[at : at + len(payload)] = payload
        else:  # duplicate: a run of the file repeated in place (a line, a chunk, an event)
            out[at:at] = out[at : at + 8 * len(payload)]
    return bytes(out)


def _edits(payloads: list[bytes]) -> st.SearchStrategy[list[tuple[str, int, bytes]]]:
    edit = st.tuples(
        st.sampled_from(_EDITS),
        st.integers(min_value=0, max_value=1 << 20),
        st.one_of(st.sampled_from(payloads), st.binary(min_size=1, max_size=4)),
    )
    return st.lists(edit, min_size=1, max_size=4)


def mutated_songs() -> st.SearchStrategy[bytes]:
    """A valid song file (a base or a generated song) with a few byte edits."""
    base = st.one_of(st.sampled_from(SONG_BASES), songs().map(lambda s: dumps(s).encode()))
    return st.builds(mutate, base, _edits(SONG_PAYLOADS))


def check_song_bytes(data: bytes) -> None:
    """Only a placed SongFormatError, or a song that saves and loads unchanged."""
    try:
        song = load_bytes(data, "fuzzed.toml")
    except SongFormatError as error:
        message = str(error)
        assert message.startswith("fuzzed.toml"), message
        assert len(message) <= MAX_MESSAGE, message[:MAX_MESSAGE]
        if error.line is not None:
            assert 1 <= error.line <= data.count(b"\n") + 1, (error.line, message)
        return
    text = dumps(song)
    assert loads(text) == song
    assert dumps(loads(text)) == text


def _midi_bases() -> list[bytes]:
    with tempfile.TemporaryDirectory() as folder:
        by_mido = midi_bytes(Path(folder))
    song = loads(SONG)
    return [by_mido, timeline_to_bytes(compile_song(song), song)]


MIDI_BASES = _midi_bases()
"""A file written by mido (running status, three tracks) and one by our exporter."""


def _set_chunk_length(data: bytes, which: int, length: int) -> bytes:
    """A chunk that lies about its length: the structural damage byte edits rarely find."""
    starts = [i for i in range(len(data) - 3) if data[i : i + 4] in (b"MThd", b"MTrk")]
    if not starts:
        return data
    at = starts[which % len(starts)] + 4
    return data[:at] + struct.pack(">L", length) + data[at + 4 :]


def mutated_midi() -> st.SearchStrategy[bytes]:
    """A valid MIDI file with byte edits, and sometimes a chunk length that lies."""
    edited = st.builds(mutate, st.sampled_from(MIDI_BASES), _edits(MIDI_PAYLOADS))
    lying = st.builds(
        _set_chunk_length,
        edited,
        st.integers(0, 8),
        st.one_of(st.integers(0, 64), st.integers(0, 0xFFFFFFFF)),
    )
    return st.one_of(edited, lying)


def check_midi_bytes(data: bytes, folder: Path) -> None:
    """Only a MidiFileError naming the file, or a song that saves and loads unchanged."""
    path = folder / "fuzzed.mid"
    path.write_bytes(data)
    try:
        song, _ = import_midi(path)
    except MidiFileError as error:
        message = str(error)
        assert message.startswith(str(path)), message
        assert len(message) <= MAX_MESSAGE, message[:MAX_MESSAGE]
        return
    text = dumps(song)
    assert loads(text) == song


def bounded(examples: int) -> settings:
    """Hypothesis settings for `examples` runs with no per-example deadline."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def fuzz_songs(check: Callable[[bytes], None] = check_song_bytes) -> Callable[[], None]:
    """The song property as a runnable hypothesis test (the bench wraps `check` to count)."""
    return given(mutated_songs())(lambda data: check(data))


def fuzz_midi(
    folder: Path, check: Callable[[bytes, Path], None] = check_midi_bytes
) -> Callable[[], None]:
    """The MIDI property as a runnable hypothesis test writing into `folder`."""
    return given(mutated_midi())(lambda data: check(data, folder))
