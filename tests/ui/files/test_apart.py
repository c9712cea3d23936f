"""A song's bytes made in a forked process: the bytes the song makes here, of the song as it
stood at the fork, refusals and a child that ends early told as SaveErrors, and none of
the editor's signal handlers run in the child."""

from __future__ import annotations

import gc
import os
import select
import signal
from pathlib import Path
from types import FrameType

import pytest

from tests.support.builders import build_song
from tracker.errors import SaveError
from tracker.song.model import Cell, Instrument, Song, Track
from tracker.song.storage import checked_bytes
from tracker.ui.files.apart import SongBytes

ROW = "C-4 01 40 ... | --- .. .. A37 | E-4 02 7F Q03 | OFF .. .. ..."
REST = "--- .. .. ... | --- .. .. ... | --- .. .. ... | --- .. .. ..."


def a_song() -> Song:
    """Sixteen 128-line patterns of four tracks: 130 KB, more than a pipe holds, so a child
    is still there (waiting to hand its bytes over) until they are read."""
    pattern = "\n".join(ROW if line % 4 == 0 else REST for line in range(128))
    return build_song(
        *[pattern] * 16,
        tracks=[Track(name=f"T{t}") for t in range(4)],
        instruments={1: Instrument("Piano"), 2: Instrument("Bass")},
    )


def test_the_bytes_made_apart_are_the_bytes_made_here() -> None:
    song = a_song()
    made = SongBytes(song, "verse.toml", apart=True)
    assert made.child is not None and made.child != os.getpid()
    data = made.result()
    assert len(data) > 100_000
    assert data == checked_bytes(song, "verse.toml")
    assert made.child is None  # waited for: no process left behind


def test_the_bytes_are_of_the_song_as_it_stood_when_they_were_asked_for() -> None:
    song = a_song()
    before = checked_bytes(song, "verse.toml")
    made = SongBytes(song, "verse.toml", apart=True)
    song.patterns["00"].tracks[0].columns[0][1] = Cell(note=67, instrument=1)  # typed meanwhile
    song.title = "Renamed meanwhile"
    assert made.result() == before


def test_a_song_the_format_cannot_hold_is_refused_with_the_message_made_here() -> None:
    song = a_song()
    song.instruments[3] = Instrument("Ghost", soundfont=None, device=None)
    with pytest.raises(SaveError) as here:
        checked_bytes(song, "verse.toml")
    with pytest.raises(SaveError) as apart:
        SongBytes(song, "verse.toml", apart=True).result()
    assert apart.value.message == here.value.message
    assert 'instrument 03 "Ghost" needs a soundfont or a device' in apart.value.message


def test_a_hang_up_ends_the_child_without_running_the_editors_handler(tmp_path: Path) -> None:
    handled = tmp_path / "handled"

    def editors_handler(number: int, frame: FrameType | None) -> None:
        handled.write_text(f"process {os.getpid()}")

    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    previous = signal.signal(signal.SIGHUP, editors_handler)
    try:
        made = SongBytes(a_song(), "verse.toml", apart=True)
        assert made.child is not None
        os.kill(made.child, signal.SIGHUP)
        with pytest.raises(
            SaveError, match=r"could not save verse\.toml: the writing process ended \(signal 1\)"
        ):
            made.result()
        assert signal.getsignal(signal.SIGHUP) is editors_handler  # the editor's own, as it was
        assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == mask
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert not handled.exists()


def test_made_here_the_bytes_are_made_at_once() -> None:
    song = a_song()
    made = SongBytes(song, "verse.toml")
    assert made.child is None
    song.title = "Renamed meanwhile"
    assert made.result() == checked_bytes(a_song(), "verse.toml")


def test_without_a_fork_to_be_had_the_bytes_are_still_of_the_song_as_it_stood(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")  # the process limit

    monkeypatch.setattr(os, "fork", no_fork)
    song = a_song()
    made = SongBytes(song, "verse.toml", apart=True)
    assert made.child is None
    song.patterns["00"].tracks[0].columns[0][1] = Cell(note=67, instrument=1)  # typed meanwhile
    assert made.result() == checked_bytes(a_song(), "verse.toml")


def a_song_of_many_parts() -> Song:
    """Sixty-four 16-line patterns of four tracks, every track's part in each different
    (equal parts are read back once and shared): thousands of objects read back."""
    notes = ["C-", "C#", "D-", "D#", "E-", "F-", "F#", "G-", "G#", "A-", "A#", "B-"]

    def part(pattern: int, track: int, line: int) -> str:
        if line % 2:
            return "--- .. .. ..."
        return (
            f"{notes[(pattern * 5 + track * 7 + line) % 12]}{3 + (pattern + track) % 4} 01 40 ..."
        )

    patterns = [
        "\n".join(" | ".join(part(p, t, line) for t in range(4)) for line in range(16))
        for p in range(64)
    ]
    return build_song(
        *patterns,
        tracks=[Track(name=f"T{t}") for t in range(4)],
        instruments={1: Instrument("Piano")},
    )


def test_bytes_made_in_this_process_start_no_garbage_collection() -> None:
    """Reading the song back makes thousands of objects, none of them garbage: a
    collection meanwhile would only walk them (on a big song, a key held up 100 ms)."""
    started: list[int] = []

    def heard(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    song = a_song_of_many_parts()
    gc.collect()
    gc.callbacks.append(heard)
    try:
        made = SongBytes(song, "verse.toml")
    finally:
        gc.callbacks.remove(heard)
    assert started == []
    assert gc.isenabled()  # given back
    assert made.result() == checked_bytes(song, "verse.toml")


def test_a_pipe_the_editor_closes_is_closed_while_the_child_still_runs() -> None:
    """As the player's pipe is when the editor quits during an autosave: the player hears
    the editor go at once, not once the child is done."""
    player_side, editor_side = os.pipe()
    try:
        made = SongBytes(a_song(), "verse.toml", apart=True)  # waits to hand 130 KB over
        os.close(editor_side)
        ready, _, _ = select.select([player_side], [], [], 5)
        assert ready and os.read(player_side, 1) == b""  # the end of the pipe, at once
        assert made.child is not None  # the child still there, its bytes not yet taken
        assert made.result() == checked_bytes(a_song(), "verse.toml")
    finally:
        os.close(player_side)
