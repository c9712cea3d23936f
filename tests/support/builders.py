"""Build songs for tests from tracker notation, so a test reads like the music it checks,
or from the song file format itself (`song_from_toml`), and read them back.

song = build_song('''
    C-4 01 64 ... | C-2 02 7F ...
    OFF .. .. ... | --- .. .. ...
''', bpm=120)
"""

from __future__ import annotations

from textwrap import dedent

from tracker.song.fileformat import loads
from tracker.song.model import Instrument, Pattern, PatternTrack, Song, Track
from tracker.song.notation import format_note, format_row, parse_row


def pattern_from_rows(tracks: list[Track], rows: str) -> Pattern:
    lines = [line for line in dedent(rows).strip("\n").splitlines() if line.strip()]
    parsed = [parse_row(tracks, line) for line in lines]
    pattern_tracks = []
    for t, track in enumerate(tracks):
        columns = [
            [parsed[line][t][0][c] for line in range(len(lines))] for c in range(track.notes)
        ]
        cc = [
            [parsed[line][t][1][lane] for line in range(len(lines))]
            for lane in range(len(track.cc))
        ]
        pattern_tracks.append(PatternTrack(columns=columns, cc=cc))
    return Pattern(lines=len(lines), tracks=pattern_tracks)


def build_song(
    *patterns: str,
    tracks: list[Track] | None = None,
    order: list[str] | None = None,
    instruments: dict[int, Instrument] | None = None,
    bpm: float = 120.0,
    lpb: int = 4,
    tpl: int = 6,
    swing: float = 0.0,
) -> Song:
    """Patterns are named "00", "01", ... in the order given; the order list plays them once each."""
    if tracks is None:
        first = next(ln for ln in dedent(patterns[0]).splitlines() if ln.strip())
        tracks = [Track(name=f"T{i + 1}") for i in range(first.count("|") + 1)]
    names = [f"{i:02X}" for i in range(len(patterns))]
    return Song(
        title="Test",
        bpm=bpm,
        lpb=lpb,
        tpl=tpl,
        swing=swing,
        order=order if order is not None else names,
        instruments=instruments if instruments is not None else {1: Instrument("Piano")},
        tracks=tracks,
        patterns={
            name: pattern_from_rows(tracks, rows)
            for name, rows in zip(names, patterns, strict=True)
        },
    )


def pattern_rows(song: Song, name: str = "00") -> list[str]:
    """A pattern back as tracker notation, one string per line: build_song's inverse."""
    pattern = song.patterns[name]
    return [
        format_row(
            song.tracks,
            [
                ([column[line] for column in part.columns], [lane[line] for lane in part.cc])
                for part in pattern.tracks
            ],
        )
        for line in range(pattern.lines)
    ]


def first_notes(song: Song, count: int) -> list[str]:
    """The first `count` notes of the first column of the first pattern played."""
    column = song.patterns[song.order[0]].tracks[0].columns[0]
    return [format_note(cell.note) for cell in column[:count]]


def song_from_toml(text: str) -> Song:
    """Dedent (so the TOML can sit indented in a test) and read it with
    fileformat.loads, exactly as a file on disk would be read."""
    return loads(dedent(text).lstrip("\n"))
