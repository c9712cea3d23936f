"""Hypothesis strategies for whole songs: any Song the file format must keep exactly.

Names and titles use any Unicode (quotes, backslashes, control characters
included) where the format allows free text; pattern names and CC lane names
follow the format's own rules.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tracker.song.effects import EFFECTS
from tracker.song.model import (
    HIGHEST_NOTE,
    LOWEST_NOTE,
    NOTE_CUT,
    NOTE_OFF,
    Cell,
    Effect,
    Instrument,
    Pattern,
    PatternTrack,
    Song,
    Track,
)

free_text = st.text(max_size=16)
"""st.text() never yields lone surrogates, which no file could hold."""

pattern_names = st.text(
    alphabet='abcdefghijklmnopqrstuvwxyzABC0123456789_- ."é#', min_size=1, max_size=12
).filter(lambda name: name.strip() != "")

cc_lanes = st.one_of(
    st.integers(0, 127).map(str),
    st.from_regex(r"[A-Za-z][A-Za-z0-9 _-]{0,12}", fullmatch=True),
)

tracks = st.builds(
    Track,
    name=free_text,
    notes=st.integers(1, 3),
    effects=st.integers(0, 2),
    cc=st.lists(cc_lanes, max_size=2, unique=True),
    mute=st.booleans(),
    solo=st.booleans(),
)

_soundfont_instruments = st.builds(
    Instrument,
    name=free_text,
    soundfont=st.one_of(st.just("default"), st.text(min_size=1, max_size=20)),
    program=st.integers(0, 127),
    bank=st.integers(0, 16383),
    device=st.none() | st.text(min_size=1, max_size=10),
    channel=st.none() | st.integers(1, 16),
    volume=st.integers(0, 127),
)
_device_instruments = st.builds(
    Instrument,
    name=free_text,
    soundfont=st.none(),
    program=st.integers(0, 127),
    bank=st.integers(0, 16383),
    device=st.text(min_size=1, max_size=10),
    channel=st.none() | st.integers(1, 16),
    volume=st.integers(0, 127),
)
instruments = st.one_of(_soundfont_instruments, _device_instruments)

notes = st.one_of(
    st.none(), st.just(NOTE_OFF), st.just(NOTE_CUT), st.integers(LOWEST_NOTE, HIGHEST_NOTE)
)
effects = st.builds(Effect, command=st.sampled_from(sorted(EFFECTS)), value=st.integers(0, 255))
midi_values = st.none() | st.integers(0, 127)


def cells(effect_columns: int, instrument_numbers: list[int]) -> st.SearchStrategy[Cell]:
    used = st.sampled_from(instrument_numbers) if instrument_numbers else st.nothing()
    return st.builds(
        Cell,
        note=notes,
        instrument=st.none() | used,
        volume=midi_values,
        effects=st.tuples(*[st.none() | effects] * effect_columns),
    )


@st.composite
def patterns(draw: st.DrawFn, song_tracks: list[Track], instrument_numbers: list[int]) -> Pattern:
    lines = draw(st.integers(1, 32))
    parts = []
    for track in song_tracks:
        column = st.lists(cells(track.effects, instrument_numbers), min_size=lines, max_size=lines)
        lane = st.lists(midi_values, min_size=lines, max_size=lines)
        parts.append(
            PatternTrack(
                columns=[draw(column) for _ in range(track.notes)],
                cc=[draw(lane) for _ in track.cc],
            )
        )
    return Pattern(lines=lines, tracks=parts)


@st.composite
def songs(draw: st.DrawFn) -> Song:
    song_tracks = draw(st.lists(tracks, min_size=1, max_size=3))
    song_instruments = draw(st.dictionaries(st.integers(1, 255), instruments, max_size=3))
    names = draw(st.lists(pattern_names, max_size=3, unique=True))
    numbers = sorted(song_instruments)
    return Song(
        title=draw(free_text),
        bpm=draw(st.floats(20, 999)),
        lpb=draw(st.integers(1, 32)),
        tpl=draw(st.integers(1, 32)),
        swing=draw(st.floats(0, 1)),
        soundfont=draw(st.none() | st.text(min_size=1, max_size=20)),
        order=draw(st.lists(st.sampled_from(names), max_size=6)) if names else [],
        instruments=song_instruments,
        tracks=song_tracks,
        patterns={name: draw(patterns(song_tracks, numbers)) for name in names},
    )
