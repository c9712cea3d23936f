"""The import gives the same song as before it was made faster (issue #16).

A multi-track file with a bit of everything an import meets (tracks sharing channels,
drums, chords and retriggered pitches, notes with no off or below C-0, zero-length
notes, program and bank changes, bends, plain, 14-bit and NRPN controllers, tempo and
time-signature changes, a track with system exclusive that only mido reads) is written
here with mido from a seeded generator, imported both ways, and compared byte for byte
with the song and report the import wrote before (commit f7bd773, in data/import_same/).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import mido
import pytest

from tracker.midi.smf.import_ import import_midi
from tracker.midi.smf.import_events import TracksBy
from tracker.song.fileformat import dumps
from tracker.song.storage import load_song, save_song

DATA = Path(__file__).parent / "data" / "import_same"
TPB = 96
CONTROLLERS = (1, 7, 10, 11, 64, 74, 91, 0, 32, 6, 38, 99, 98, 33, 121)


def band(path: Path, seed: int = 7) -> Path:
    """Five tracks after a conductor, 50 events each, in short steps (a few patterns)."""
    rng = random.Random(seed)
    midi = mido.MidiFile(type=1, ticks_per_beat=TPB)
    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("track_name", name="Rehearsal band", time=0))
    conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(120), time=0))
    conductor.append(mido.MetaMessage("time_signature", numerator=3, denominator=4, time=0))
    for step in range(6):
        bpm = rng.uniform(70, 180)
        conductor.append(
            mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=rng.randint(20, 120))
        )
        if step == 3:
            conductor.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
    midi.tracks.append(conductor)
    for number, channel in enumerate((0, 0, 1, 9, 2)):  # two tracks share channel 1
        midi.tracks.append(_part(rng, number, channel, sysex=number == 4))
    midi.save(path)
    return path


def _part(rng: random.Random, number: int, channel: int, *, sysex: bool) -> mido.MidiTrack:
    timed: list[tuple[int, Any]] = []
    tick = 0
    if sysex:
        timed.append((0, mido.Message("sysex", data=[0x7E, 0x7F, 0x09, 0x01])))
    for _ in range(50):
        tick += rng.choice((0, 0, 6, 12, 24, 48, 5))
        roll = rng.random()
        if roll < 0.6:
            pitch = rng.choice((rng.randint(36, 84), rng.randint(36, 84), 60, 5))
            on = mido.Message("note_on", channel=channel, note=pitch, velocity=rng.randint(1, 127))
            timed.append((tick, on))
            if rng.random() < 0.97:  # the rest ring to the end of the file
                velocity = rng.choice((0, 64))
                kind = rng.choice(("note_off", "note_on")) if velocity == 0 else "note_off"
                end = tick + rng.choice((0, 1, 12, 24, 60))
                timed.append(
                    (end, mido.Message(kind, channel=channel, note=pitch, velocity=velocity))
                )
        elif roll < 0.72:
            control = rng.choice(CONTROLLERS)
            value = rng.choice((0, 1)) if control in (0, 32) else rng.randint(0, 127)
            timed.append(
                (
                    tick,
                    mido.Message("control_change", channel=channel, control=control, value=value),
                )
            )
        elif roll < 0.84:
            pitch = rng.randint(-8192, 8191)
            timed.append((tick, mido.Message("pitchwheel", channel=channel, pitch=pitch)))
        elif roll < 0.88:
            program = rng.choice((0, 5, 40))
            timed.append((tick, mido.Message("program_change", channel=channel, program=program)))
        elif roll < 0.9:
            timed.append(
                (tick, mido.Message("aftertouch", channel=channel, value=rng.randint(0, 127)))
            )
        elif roll < 0.91:
            timed.append((tick, mido.MetaMessage("text", text="cue")))
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=f"Player {number + 1}", time=0))
    now = 0
    for at, message in sorted(timed, key=lambda pair: pair[0]):
        track.append(message.copy(time=at - now))
        now = at
    return track


@pytest.mark.parametrize(
    ("tracks_by", "options", "expected"),
    [
        ("channel", {}, "by_channel"),
        ("track", {}, "by_track"),
        ("channel", {"lpb": 2, "pattern_lines": 16, "max_columns": 2}, "coarse_narrow"),
    ],
)
def test_the_band_imports_to_the_song_and_report_it_did_before(
    tmp_path: Path, tracks_by: TracksBy, options: dict[str, Any], expected: str
) -> None:
    song, report = import_midi(band(tmp_path / "band.mid"), tracks_by=tracks_by, **options)
    assert dumps(song) == (DATA / f"{expected}.toml").read_text()
    assert "\n".join(report.summary()) + "\n" == (DATA / f"{expected}.txt").read_text()


def test_the_imported_band_saves_with_the_cells_check_as_with_the_text_check(
    tmp_path: Path,
) -> None:
    song, _ = import_midi(band(tmp_path / "band.mid"))
    by_cells = save_song(song, tmp_path / "cells.toml", check="cells")
    by_text = save_song(song, tmp_path / "text.toml", check="text")
    assert by_cells == by_text
    assert load_song(tmp_path / "cells.toml") == song
