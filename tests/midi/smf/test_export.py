"""MIDI export: the files are read back with mido, not with our importer, except in
the round trip at the end, which is the importer's and exporter's joint promise.

At the default 960 ticks per beat and 4 lines per beat, a line is 240 ticks.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import mido
import numpy as np
import pytest
import soundfile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.midi.songnotes import song_notes
from tests.support.builders import build_song
from tracker.cli.midi import export_command
from tracker.engine.events import Event, Kind, Timeline
from tracker.engine.timeline import compile_song
from tracker.errors import SaveError
from tracker.midi.smf import export_song, export_timeline, timeline_to_bytes
from tracker.midi.smf.import_ import import_midi
from tracker.midi.smf.import_events import TracksBy
from tracker.song.model import Instrument, Song, Track
from tracker.song.notation import format_note
from tracker.song.storage import save_song

PPQ = 960
LINE = PPQ // 4


def event(beat: float, kind: Kind, track: int, channel: int = 0, a: int = 0, b: int = 0,
          bpm: float = 0.0) -> Event:  # fmt: skip
    """A timeline event; `time` and `tick` are not read by the exporter."""
    return Event(time=0.0, beat=beat, tick=0, kind=kind, track=track, channel=channel, a=a, b=b,
                 bpm=bpm)  # fmt: skip


def read(path: Path) -> mido.MidiFile:
    return mido.MidiFile(path)


def absolute(track: mido.MidiTrack) -> list[tuple[int, Any]]:
    """(absolute tick, message) for every message but the track name and end of track."""
    now, out = 0, []
    for message in track:
        now += message.time
        if message.type not in ("track_name", "end_of_track"):
            out.append((now, message))
    return out


def summary(track: mido.MidiTrack) -> list[tuple[Any, ...]]:
    """Channel messages as comparable tuples: (tick, type, channel, the data bytes)."""
    return [(tick, m.type, m.channel, *m.bytes()[1:]) for tick, m in absolute(track)]


def name_of(track: mido.MidiTrack) -> str:
    return next(str(m.name) for m in track if m.type == "track_name")


# --- from a hand-built timeline ----------------------------------------------------------------


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


# --- from songs, through the timeline ----------------------------------------------------------


def test_a_song_exports_its_notes_on_its_instruments_channels(tmp_path: Path) -> None:
    song = build_song(
        """
        C-4 01 64 ... | C-2 02 7F ...
        --- .. .. ... | OFF .. .. ...
        E-4 01 50 ... | C-2 02 7F ...
        OFF .. .. ... | OFF .. .. ...
        """,
        tracks=[Track("Keys"), Track("Kick")],
        instruments={1: Instrument("Piano", program=4, channel=3), 2: Instrument("Kit", bank=128)},
    )
    path = tmp_path / "song.mid"

    export_song(song, path)

    _, keys, kick = read(path).tracks
    # Channel 3 as musicians count it is 2 on the wire; the kit takes channel 10 (9).
    assert [row for row in summary(keys) if row[1] not in ("program_change", "control_change")] == [
        (0, "note_on", 2, 60, 0x64),
        (2 * LINE, "note_off", 2, 60, 64),
        (2 * LINE, "note_on", 2, 64, 0x50),
        (3 * LINE, "note_off", 2, 64, 64),
    ]
    assert (0, "program_change", 2, 4) in summary(keys)
    # Each track's mixer strip opens its channel: 0 dB is CC 7 = 100, centre is CC 10 = 64.
    assert [row for row in summary(keys) if row[1] == "control_change"] == [
        (0, "control_change", 2, 7, 100),
        (0, "control_change", 2, 10, 64),
    ]
    assert [row for row in summary(kick) if row[1].startswith("note")] == [
        (0, "note_on", 9, 36, 0x7F),
        (LINE, "note_off", 9, 36, 64),
        (2 * LINE, "note_on", 9, 36, 0x7F),
        (3 * LINE, "note_off", 9, 36, 64),
    ]


def test_tempo_effects_land_in_the_conductor_at_their_line(tmp_path: Path) -> None:
    song = build_song(
        """
        C-4 01 64 ...
        --- .. .. ...
        --- .. .. T8C
        OFF .. .. ...
        """,
        bpm=120,
    )
    path = tmp_path / "song.mid"

    export_song(song, path)

    tempos = [(t, m.tempo) for t, m in absolute(read(path).tracks[0]) if m.type == "set_tempo"]
    assert tempos == [(0, 500_000), (2 * LINE, round(60_000_000 / 0x8C))]


def test_muted_tracks_are_left_out_as_in_a_bounce(tmp_path: Path) -> None:
    song = build_song(
        "C-4 01 64 ... | E-4 01 64 ...", tracks=[Track("Heard"), Track("Muted", mute=True)]
    )
    path = tmp_path / "song.mid"

    export_song(song, path)

    assert [name_of(t) for t in read(path).tracks[1:]] == ["Heard"]


def _busy_song() -> Song:
    return build_song(
        """
        C-4 01 64 A37 E-4 01 .. ... 40 | C-2 02 7F ...
        --- .. .. U04 --- .. .. ... .. | OFF .. .. R84
        OFF .. .. ... OFF .. .. ... 7F | --- .. .. ...
        """,
        tracks=[Track("Lead", notes=2, cc=["74"]), Track("Drums")],
        instruments={1: Instrument("Piano"), 2: Instrument("Kit", bank=128)},
    )


def test_the_same_song_always_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.mid", tmp_path / "b.mid"

    export_song(_busy_song(), first)
    export_song(_busy_song(), second)

    assert first.read_bytes() == second.read_bytes()
    assert len(read(first).tracks) == 3


def test_a_failed_export_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="could not save"):
        export_song(_busy_song(), tmp_path / "no such folder" / "song.mid")
    folder = tmp_path / "a folder.mid"
    folder.mkdir()
    with pytest.raises(SaveError):
        export_song(_busy_song(), folder)
    assert list(tmp_path.iterdir()) == [folder]
    assert list(folder.iterdir()) == []


def test_an_export_replaces_an_older_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "song.mid"
    path.write_bytes(b"an older export")

    export_song(_busy_song(), path)

    assert read(path).tracks[1].name == "Lead"
    assert [p.name for p in tmp_path.iterdir()] == ["song.mid"], "no temporary file is left"


def test_export_command_reads_the_song_file_and_writes_the_midi_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    song_path, midi_path = tmp_path / "busy.toml", tmp_path / "busy.mid"
    save_song(_busy_song(), song_path)

    assert export_command(song_path, midi_path) == 0

    assert [name_of(t) for t in read(midi_path).tracks[1:]] == ["Lead", "Drums"]
    assert str(midi_path) in capsys.readouterr().out


# --- import(export(song)) ----------------------------------------------------------------------
#
# The promise: for a song whose notes sit on the grid (no note effects), importing
# its export gives back, track by track, the same notes: pitch, line, velocity and
# length in lines, with the same song bpm, lines per beat and Txx tempo changes.
# What may differ: how notes spread over columns, the pattern cut and names, the
# instruments (one per channel and program), and silence after the last note
# beyond one pattern's length. Two notes of one pitch that overlap in one track
# are out of scope: a MIDI file cannot say which note-off ends which.


@st.composite
def grid_songs(draw: st.DrawFn) -> Song:
    track_count = draw(st.integers(1, 3))
    tracks = [Track(f"Track {t + 1}", notes=draw(st.integers(1, 3))) for t in range(track_count)]
    pattern_count = draw(st.integers(1, 2))
    lengths = [draw(st.integers(1, 24)) for _ in range(pattern_count)]
    patterns = []
    for length in lengths:
        rows = []
        for _ in range(length):
            parts = []
            for t, track in enumerate(tracks):
                cells = []
                for column in range(track.notes):
                    kind = draw(st.sampled_from(["empty", "empty", "note", "off", "cut"]))
                    effect = "..."
                    if t == column == 0 and draw(st.integers(0, 15)) == 0:
                        effect = f"T{draw(st.integers(0x20, 0xFF)):02X}"
                    if kind == "note":
                        # Each column its own octave: no same-pitch overlap within a track.
                        pitch = 36 + 12 * column + draw(st.integers(0, 11))
                        velocity = draw(st.integers(1, 127))
                        # Each track its own instrument, so its own channel.
                        cells.append(f"{format_note(pitch)} {t + 1:02X} {velocity:02X} {effect}")
                    else:
                        note = {"empty": "---", "off": "OFF", "cut": "^^^"}[kind]
                        cells.append(f"{note} .. .. {effect}")
                parts.append(" ".join(cells))
            rows.append(" | ".join(parts))
        patterns.append("\n".join(rows))
    order = draw(st.lists(st.sampled_from([f"{i:02X}" for i in range(pattern_count)]), min_size=1, max_size=3))  # fmt: skip
    return build_song(
        *patterns,
        tracks=tracks,
        order=order,
        instruments={
            t + 1: Instrument(f"Sound {t + 1}", program=t * 8) for t in range(track_count)
        },
        bpm=draw(st.sampled_from([60.0, 97.5, 120.0, 133.33, 174.0])),
        lpb=draw(st.integers(1, 8)),
    )


def tempo_marks(song: Song) -> list[tuple[int, int]]:
    """(line from the start, Txx value) for every tempo effect, in play order."""
    marks, line = [], 0
    for name in song.order:
        pattern = song.patterns[name]
        for row in range(pattern.lines):
            for part in pattern.tracks:
                for column in part.columns:
                    marks += [(line, e.value) for e in column[row].effects if e and e.command == "T"]  # fmt: skip
            line += 1
    return marks


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(song=grid_songs(), tracks_by=st.sampled_from(["track", "channel"]))
def test_importing_an_export_gives_back_every_note_of_a_grid_song(
    tmp_path: Path, song: Song, tracks_by: TracksBy
) -> None:
    path = tmp_path / "round.mid"
    export_song(song, path)

    again, report = import_midi(path, lpb=song.lpb, tracks_by=tracks_by)

    notes = song_notes(song)
    if tracks_by == "track":
        assert [t.name for t in again.tracks] == [t.name for t in song.tracks]
        assert song_notes(again) == notes
    else:
        # A track per channel that plays: a silent track has no channel to show up on
        # (and a song with no notes at all still gets one empty track).
        played = [(t.name, n) for t, n in zip(song.tracks, notes, strict=True) if n]
        got = [(t.name, n) for t, n in zip(again.tracks, song_notes(again), strict=True)]
        assert got == (played or [("Track 1", [])])
    # Each track's instrument came back as its program on its own channel.
    sounding = {(t * 8, t + 1) for t, n in enumerate(notes) if n}
    assert {(i.program, i.channel) for i in again.instruments.values()} == sounding
    assert again.lpb == song.lpb
    assert tempo_map(again) == tempo_map(song)
    # Lines that 960 ticks a beat cannot split evenly (lpb 7) are a tick's rounding off.
    assert report.max_shift_lines < 0.01
    assert report.dropped == {}


def tempo_map(song: Song) -> list[tuple[int, float]]:
    """(line, bpm) wherever the tempo changes, from line 0: what the song sounds like,
    however it is written (the song's bpm or a Txx on line 0; a Txx that repeats the
    tempo changes nothing). When two Txx share a line, the last one in the row wins."""
    changes: list[tuple[int, float]] = [(0, song.bpm)]
    for line, value in sorted(dict(tempo_marks(song)).items()):
        if line == 0:
            changes[0] = (0, float(value))
        elif value != changes[-1][1]:
            changes.append((line, float(value)))
    return changes


def test_the_round_trip_keeps_a_fixed_example(tmp_path: Path) -> None:
    # The same promise on one song a reader can check by eye: a chord, a held bass
    # across the pattern boundary, a tempo change, and a cut.
    song = build_song(
        """
        C-4 01 64 ... E-4 01 50 ... | C-2 01 7F ...
        --- .. .. ... --- .. .. ... | --- .. .. ...
        OFF .. .. T5A OFF .. .. ... | --- .. .. ...
        """,
        """
        G-4 01 30 ... --- .. .. ... | --- .. .. ...
        ^^^ .. .. ... --- .. .. ... | OFF .. .. ...
        """,
        tracks=[Track("Chords", notes=2), Track("Bass")],
    )
    path = tmp_path / "round.mid"
    export_song(song, path)

    again, _ = import_midi(path, tracks_by="track")

    notes = [[(n.line, format_note(n.pitch), n.velocity, n.length) for n in t] for t in song_notes(again)]  # fmt: skip
    assert notes == [
        [(0, "C-4", 0x64, 2), (0, "E-4", 0x50, 2), (3, "G-4", 0x30, 1)],
        [(0, "C-2", 0x7F, 4)],
    ]
    assert tempo_marks(again) == [(2, 0x5A)]


def test_compiled_timeline_and_export_agree_on_every_note(tmp_path: Path) -> None:
    # Guard for the exporter itself: every NOTE_ON/NOTE_OFF the timeline holds is in
    # the file, at round(beat * ppq), on its channel, in its track.
    song = _busy_song()
    timeline = compile_song(song)
    path = tmp_path / "busy.mid"
    export_timeline(timeline, song, path)

    wanted = sorted(
        (e.track + 1, round(e.beat * PPQ), "note_on" if e.kind == Kind.NOTE_ON else "note_off",
         e.channel, e.a)
        for e in timeline.events
        if e.kind in (Kind.NOTE_ON, Kind.NOTE_OFF)
    )  # fmt: skip
    found = sorted(
        (i, tick, m.type, m.channel, m.note)
        for i, track in enumerate(read(path).tracks)
        for tick, m in absolute(track)
        if m.type in ("note_on", "note_off")
    )
    assert found == wanted
    assert len(wanted) > 10, "the arpeggio and retrigger really made notes"


# --- an outside player ---------------------------------------------------------------------------

SOUNDFONT = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")


def test_the_fluidsynth_player_sounds_an_exported_note_when_the_song_says(tmp_path: Path) -> None:
    # Four lines at 120 bpm (0.5 s), then T3C: four lines at 60 bpm (1 s); the note
    # on line 8 should therefore sound at 1.5 s. The fluidsynth command line reads
    # the file on its own (its player applies events a 64-frame block late, 1.5 ms).
    silence = "--- .. .. ...\n" * 3
    song = build_song(
        f"""
        --- .. .. ...
        {silence}
        --- .. .. T3C
        {silence}
        C-4 01 7F ...
        {silence}
        OFF .. .. ...
        """,
        bpm=120,
    )
    midi, wav = tmp_path / "late.mid", tmp_path / "late.wav"
    export_song(song, midi)

    subprocess.run(
        ["fluidsynth", "-ni", "-g", "1", "-r", "44100", "-F", str(wav), str(SOUNDFONT), str(midi)],
        check=True,
        capture_output=True,
        timeout=60,
    )

    audio, rate = soundfile.read(wav)
    level = np.abs(audio).max(axis=1)
    onset = int(np.argmax(level > 0.05 * level.max())) / rate
    assert onset == pytest.approx(1.5, abs=0.015)


def test_names_beyond_ascii_survive_the_round_trip(tmp_path: Path) -> None:
    song = build_song("C-4 01 64 ... | E-4 01 64 ...", tracks=[Track("Café ☕"), Track("Ωmega")])
    song.title = "Nuit blanche à Göteborg"
    path = tmp_path / "names.mid"
    export_song(song, path)

    again, _ = import_midi(path, tracks_by="track")

    assert again.title == "Nuit blanche à Göteborg"
    assert [t.name for t in again.tracks] == ["Café ☕", "Ωmega"]


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
