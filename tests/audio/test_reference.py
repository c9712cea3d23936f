"""Our bounce against a renderer no one here wrote: the `fluidsynth` command line
playing the .mid we export, with the same soundfont, rate and (default) effects.

Constant-tempo material only: the command line's MIDI player loses time at
tempo changes (DESIGN.md section 5). It also applies each event one or two
64-frame blocks late (one block always, one more when its millisecond clock
rounds down), so the comparison is made two ways:
- as rendered: every onset is one block late, give or take the millisecond
  rounding (within one block once the one-block delay is allowed for), and the
  10 ms envelopes, read one block on, follow ours closely;
- with its timing rule copied onto our events: the same audio.
"""

from __future__ import annotations

from pathlib import Path

import mido
import numpy as np
import pytest

from tests.support.audio import RATE
from tests.support.builders import build_song
from tests.support.reference import (
    cli_timing,
    first_sound,
    likeness,
    render_with_command_line,
)
from tracker.audio.render import render_timeline
from tracker.audio.synth import BLOCK
from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song
from tracker.midi.smf import export_timeline
from tracker.midi.smf.import_ import import_midi
from tracker.song.model import Instrument, Song
from tracker.song.storage import load_song

SONGS = Path(__file__).parent.parent.parent / "songs"


def _compare(song: Song, soundfont: Path, work: Path) -> tuple[dict[str, float], dict[str, float]]:
    """(as rendered, read one block on) and (with the command line's timing copied)."""
    timeline = compile_song(song)
    assert len({e.bpm for e in timeline.events if e.kind is Kind.TEMPO}) == 1, "constant tempo only"
    midi = work / "song.mid"
    export_timeline(timeline, song, midi)
    cli = render_with_command_line(midi, soundfont, work / "cli.wav")
    ours = np.asarray(
        render_timeline(timeline, song, soundfont, RATE, tail_seconds=0.0), np.float32
    )
    in_step = np.asarray(
        render_timeline(cli_timing(timeline), song, soundfont, RATE, tail_seconds=0.0), np.float32
    )
    return likeness(ours, cli[BLOCK:]), likeness(in_step, cli)


def test_every_onset_lands_one_block_late_in_the_command_line_render(
    soundfont: Path, tmp_path: Path
) -> None:
    # Claves on the drum kit, one a second, at odd lines so their samples fall
    # all over the 64-frame grid: short, clean onsets after real silence.
    rows = "\n".join(("A#5 01 60 ..." if line % 8 == 3 else "--- .. .. ...") for line in range(64))
    song = build_song(rows, instruments={1: Instrument("Kit", bank=128, channel=10)}, bpm=120)
    timeline = compile_song(song)
    midi = tmp_path / "claves.mid"
    export_timeline(timeline, song, midi)
    cli = render_with_command_line(midi, soundfont, tmp_path / "cli.wav")
    ours = np.asarray(
        render_timeline(timeline, song, soundfont, RATE, tail_seconds=0.0), np.float32
    )
    starts = [e.time for e in timeline.events if e.kind is Kind.NOTE_ON]
    assert len(starts) == 8
    for seconds in starts:
        sample = round(seconds * RATE)
        block_start = -(-sample // BLOCK) * BLOCK
        # The level just above the reverb tail of the clave before (about 2e-6).
        ours_at = first_sound(ours, sample - BLOCK, threshold=1e-5)
        cli_at = first_sound(cli, sample - BLOCK, threshold=1e-5)
        # ours sounds in the first block at or after the event's sample ...
        assert block_start <= ours_at < block_start + BLOCK
        # ... the command line one block later, or two when its ms clock rounds down
        assert cli_at - ours_at in (BLOCK, 2 * BLOCK), (seconds, cli_at - ours_at)


@pytest.mark.parametrize("name", ["demo.toml", "effects-tour.toml"])
def test_a_shipped_song_sounds_like_the_command_line_render_of_its_export(
    name: str, soundfont: Path, tmp_path: Path
) -> None:
    as_rendered, in_step = _compare(load_song(SONGS / name), soundfont, tmp_path)
    # With the command line's timing copied, it is the same audio to rounding.
    assert in_step["envelope correlation"] >= 0.999
    assert in_step["sample correlation"] >= 0.999
    assert in_step["peak difference dBFS"] < -30
    # As rendered, its one-or-two-block jitter on drum transients is what is left.
    assert as_rendered["envelope correlation"] >= 0.97


def test_a_song_imported_from_another_tools_midi_file_matches_the_command_line(
    soundfont: Path, tmp_path: Path
) -> None:
    # A file written by mido, not by us: type 1, a piano melody, a bass line and
    # a drum beat on channel 10, at a constant 100 bpm.
    outside = mido.MidiFile(type=1, ticks_per_beat=480)
    conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=600_000)])
    outside.tracks.append(conductor)
    parts = [(0, 0, [72, 74, 76, 79, 76, 74, 72, 67]), (1, 33, [36, 36, 43, 43, 41, 41, 36, 36]),
             (9, 0, [36, 42, 38, 42, 36, 42, 38, 42])]  # fmt: skip
    for channel, program, notes in parts:
        track = mido.MidiTrack([mido.Message("program_change", channel=channel, program=program)])
        for index, note in enumerate(notes * 4):
            gap = 0 if index == 0 else 240
            track.append(mido.Message("note_on", channel=channel, note=note, velocity=90, time=gap))
            track.append(mido.Message("note_off", channel=channel, note=note, velocity=0, time=240))
        outside.tracks.append(track)
    path = tmp_path / "outside.mid"
    outside.save(path)

    song, report = import_midi(path, lpb=4)
    assert report.notes_imported == 3 * 8 * 4
    assert report.max_shift_ms == 0  # every note sits on a line at 4 lines per beat
    as_rendered, in_step = _compare(song, soundfont, tmp_path)
    assert in_step["envelope correlation"] >= 0.999
    assert in_step["peak difference dBFS"] < -30
    assert as_rendered["envelope correlation"] >= 0.97
    assert any(i.is_drum_kit for i in song.instruments.values())
