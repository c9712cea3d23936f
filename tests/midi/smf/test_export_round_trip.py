"""import(export(song)), the importer's and exporter's joint promise: for a song whose
notes sit on the grid (no note effects), importing its export gives back, track by
track, the same notes: pitch, line, velocity and length in lines, with the same song
bpm, lines per beat and Txx tempo changes; names beyond ASCII survive.

What may differ: how notes spread over columns, the pattern cut and names, the
instruments (one per channel and program), and silence after the last note beyond one
pattern's length. Two notes of one pitch that overlap in one track are out of scope: a
MIDI file cannot say which note-off ends which.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.midi.songnotes import song_notes
from tests.support.builders import build_song
from tracker.midi.smf import export_song
from tracker.midi.smf.import_ import import_midi
from tracker.midi.smf.import_events import TracksBy
from tracker.song.model import Instrument, Song, Track
from tracker.song.notation import format_note


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


def test_names_beyond_ascii_survive_the_round_trip(tmp_path: Path) -> None:
    song = build_song("C-4 01 64 ... | E-4 01 64 ...", tracks=[Track("Café ☕"), Track("Ωmega")])
    song.title = "Nuit blanche à Göteborg"
    path = tmp_path / "names.mid"
    export_song(song, path)

    again, _ = import_midi(path, tracks_by="track")

    assert again.title == "Nuit blanche à Göteborg"
    assert [t.name for t in again.tracks] == ["Café ☕", "Ωmega"]
