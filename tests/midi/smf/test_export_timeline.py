"""MIDI export from a timeline: the conductor track (title, metre, the tempo map), a
named MIDI track per tracker track with its events and mixer strip, ticks rounded from
beats, bank selects before programs, and only the tracks chosen, each opening with its
channel's starting program.

The files are read back with mido (tests/support/midi_reading.py), not with our importer.
At the default 960 ticks per beat and 4 lines per beat, a line is 240 ticks.
"""

from __future__ import annotations

import io
from pathlib import Path

import mido

from tests.support.builders import build_song
from tests.support.midi_reading import LINE, PPQ, absolute, name_of, read, summary
from tracker.engine.events import Event, Kind, Timeline
from tracker.engine.timeline import compile_song
from tracker.midi.smf import export_song, export_timeline, timeline_to_bytes
from tracker.song.model import Instrument, Track


def event(beat: float, kind: Kind, track: int, channel: int = 0, a: int = 0, b: int = 0,
          bpm: float = 0.0) -> Event:  # fmt: skip
    """A timeline event; `time` and `tick` are not read by the exporter."""
    return Event(time=0.0, beat=beat, tick=0, kind=kind, track=track, channel=channel, a=a, b=b,
                 bpm=bpm)  # fmt: skip


def test_the_conductor_track_holds_title_metre_and_the_tempo_map(tmp_path: Path) -> None:
    song = build_song("C-4 01 64 ...", bpm=100)
    song.title = "Night Drive"
    timeline = Timeline(
        events=[event(0, Kind.TEMPO, -1, bpm=100), event(2.5, Kind.TEMPO, -1, bpm=150)],
        end_beat=4,
    )
    path = tmp_path / "out.mid"

    export_timeline(timeline, song, path)

    midi = read(path)
    assert (midi.type, midi.ticks_per_beat, len(midi.tracks)) == (1, PPQ, 2)
    conductor = midi.tracks[0]
    assert name_of(conductor) == "Night Drive"
    metre = [(m.numerator, m.denominator) for _, m in absolute(conductor) if m.type == "time_signature"]  # fmt: skip
    assert metre == [(4, 4)]
    tempos = [(t, m.tempo) for t, m in absolute(conductor) if m.type == "set_tempo"]
    assert tempos == [(0, 600_000), (2.5 * PPQ, 400_000)], "100 bpm = 0.6 s a beat, 150 = 0.4 s"
    assert sum(m.time for m in conductor) == 4 * PPQ, "the file lasts as long as the song"


def test_without_a_tempo_event_at_the_start_the_song_bpm_opens_the_map(tmp_path: Path) -> None:
    song = build_song("C-4 01 64 ...", bpm=125)
    path = tmp_path / "out.mid"

    export_timeline(Timeline(events=[], end_beat=1), song, path)

    tempos = [m.tempo for _, m in absolute(read(path).tracks[0]) if m.type == "set_tempo"]
    assert tempos == [480_000]


def test_each_tracker_track_is_a_named_midi_track_with_its_events(tmp_path: Path) -> None:
    song = build_song(
        "C-4 01 64 ... | --- .. .. ... | --- .. .. ...",
        tracks=[Track("Lead"), Track("Pad"), Track("Silent")],
    )
    timeline = Timeline(
        events=[
            event(0, Kind.NOTE_ON, 0, 2, 60, 100),
            event(0.25, Kind.CONTROL, 1, 3, 74, 20),
            event(0.5, Kind.NOTE_ON, 1, 3, 64, 80),
            event(0.75, Kind.PITCH_BEND, 1, 3, -4096),
            event(1, Kind.NOTE_OFF, 0, 2, 60),
            event(1, Kind.NOTE_OFF, 1, 3, 64),
        ],
        end_beat=2,
    )
    path = tmp_path / "out.mid"

    export_timeline(timeline, song, path)

    _, lead, pad, silent = read(path).tracks
    assert [name_of(t) for t in (lead, pad, silent)] == ["Lead", "Pad", "Silent"]
    assert summary(lead) == [(0, "note_on", 2, 60, 100), (PPQ, "note_off", 2, 60, 64)]
    assert summary(pad) == [
        (LINE, "control_change", 3, 74, 20),
        (2 * LINE, "note_on", 3, 64, 80),
        # -4096 is a quarter of the way down from the centre 8192: 4096 = 0x1000 -> LSB 0, MSB 32.
        (3 * LINE, "pitchwheel", 3, 0, 32),
        (PPQ, "note_off", 3, 64, 64),
    ]
    assert summary(silent) == []


def test_each_tracks_mixer_strip_opens_its_midi_track_on_its_channels(tmp_path: Path) -> None:
    song = build_song(
        "C-4 01 64 ... | C-2 02 7F ...\nE-4 03 64 ... | --- .. .. ...",
        tracks=[Track("Keys", volume_db=-6.0, pan=-32, reverb=90), Track("Bass", chorus=20)],
        instruments={
            1: Instrument("Piano", channel=1),
            2: Instrument("Bass", channel=2),
            3: Instrument("Pad", channel=5),
        },
    )
    path = tmp_path / "mixed.mid"

    export_song(song, path)

    _, keys, bass = read(path).tracks
    controls = [row for row in summary(keys) if row[1] == "control_change"]
    # Keys plays instruments 01 and 03: its strip goes to both their channels, at tick 0.
    assert sorted(controls) == sorted(
        (0, "control_change", channel, cc, value)
        for channel in (0, 4)
        for cc, value in ((7, 71), (10, 32), (91, 90))
    )
    assert [row for row in summary(bass) if row[1] == "control_change"] == [
        (0, "control_change", 1, 7, 100),
        (0, "control_change", 1, 10, 64),
        (0, "control_change", 1, 93, 20),
    ]


def test_ticks_are_the_rounded_beat_times_ppq(tmp_path: Path) -> None:
    song = build_song("C-4 01 64 ...")
    triplet = 1 / 3
    timeline = Timeline(
        events=[event(triplet, Kind.NOTE_ON, 0, 0, 60, 1), event(2 * triplet, Kind.NOTE_OFF, 0, 0, 60)],
        end_beat=1,
    )  # fmt: skip
    path = tmp_path / "out.mid"

    export_timeline(timeline, song, path, ppq=96)

    assert [t for t, _ in absolute(read(path).tracks[1])] == [32, 64]


def test_a_program_with_a_bank_is_preceded_by_bank_select_and_drum_kits_need_none(
    tmp_path: Path,
) -> None:
    song = build_song("C-4 01 64 ... | C-2 02 64 ...")
    timeline = Timeline(
        events=[
            event(0, Kind.PROGRAM, 0, 0, 5, 0),
            event(1, Kind.PROGRAM, 0, 0, 6, 130),  # bank 130 = MSB 1, LSB 2
            event(2, Kind.PROGRAM, 0, 0, 7, 130),  # same bank: no new select
            event(0, Kind.PROGRAM, 1, 9, 0, 128),  # GM drum kit on channel 10
        ],
        end_beat=3,
    )
    path = tmp_path / "out.mid"

    export_timeline(timeline, song, path)

    _, melodic, drums = read(path).tracks
    assert summary(melodic) == [
        (0, "program_change", 0, 5),
        (PPQ, "control_change", 0, 0, 1),
        (PPQ, "control_change", 0, 32, 2),
        (PPQ, "program_change", 0, 6),
        (2 * PPQ, "program_change", 0, 7),
    ]
    assert summary(drums) == [(0, "program_change", 9, 0)]


def test_only_the_chosen_tracks_are_written(tmp_path: Path) -> None:
    song = build_song("C-4 01 64 ... | E-4 01 64 ...", tracks=[Track("A"), Track("B")])
    timeline = Timeline(
        events=[event(0, Kind.NOTE_ON, 0, 0, 60, 100), event(0, Kind.NOTE_ON, 1, 0, 64, 100)],
        end_beat=1,
    )
    path = tmp_path / "out.mid"

    export_timeline(timeline, song, path, tracks={1})

    _, only = read(path).tracks
    assert name_of(only) == "B"
    assert summary(only) == [(0, "note_on", 0, 64, 100)]


def test_the_starting_programs_go_to_the_first_exported_track_on_their_channel() -> None:
    # Three tracks on two instruments; the first track is left out: the Piano's program,
    # sent song-wide at the start, goes to T2 (the first exported on its channel), the
    # Organ's to T3, each before its track's first note.
    instruments = {1: Instrument("Piano", program=0), 2: Instrument("Organ", program=19)}
    song = build_song(
        "C-4 01 .. ... | E-4 01 .. ... | G-4 02 .. ...\n--- .. .. ... | OFF .. .. ... | OFF .. .. ...",
        instruments=instruments,
    )
    midi = mido.MidiFile(
        file=io.BytesIO(timeline_to_bytes(compile_song(song), song, tracks={1, 2}))
    )
    heard = [
        [
            (m.type, m.program if m.type == "program_change" else m.note)
            for m in track
            if m.type in ("program_change", "note_on")
        ]
        for track in midi.tracks[1:]
    ]
    assert heard == [
        [("program_change", 0), ("note_on", 64)],
        [("program_change", 19), ("note_on", 67)],
    ]
