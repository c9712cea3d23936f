"""A small band for audio tests: keys, bass and drums on General MIDI, and a groove
for them in tracker notation, so the bounce and the live mix are checked on the same
music (a note on each instrument, a drum on every line, notes that end mid-pattern);
`band_song()` is the groove and a bridge at 240 bpm, the bounce tests' song.

song = build_band_song(GROOVE, bpm=133)
"""

from __future__ import annotations

from tests.support.builders import build_song
from tracker.song.model import Instrument, Song, Track

BAND = {
    1: Instrument("Piano", program=0),
    2: Instrument("Fingered bass", program=33),
    3: Instrument("Drum kit", bank=128, program=0),
}
"""Instruments 01 keys, 02 bass, 03 the General MIDI drum kit (bank 128)."""

GROOVE = """
    C-4 01 64 ... | C-2 02 70 ... | C-2 03 7F ...
    --- .. .. ... | --- .. .. ... | F#2 03 50 ...
    E-4 01 64 ... | --- .. .. ... | D-2 03 7F ...
    --- .. .. ... | --- .. .. ... | F#2 03 50 ...
    G-4 01 64 ... | G-2 02 70 ... | C-2 03 7F ...
    --- .. .. ... | --- .. .. ... | F#2 03 50 ...
    OFF .. .. ... | OFF .. .. ... | D-2 03 7F ...
    --- .. .. ... | --- .. .. ... | F#2 03 50 ...
"""
"""Eight lines: a rising arpeggio over two bass notes, kick and snare under hi-hats."""

BRIDGE = """
    A-3 01 64 ... | A-1 02 70 ... | C-2 03 7F ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    OFF .. .. ... | OFF .. .. ... | --- .. .. ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
"""
"""Four lines after the groove: keys and bass hold A for two lines over one kick."""


def build_band_song(*patterns: str, bpm: float, tracks: list[Track] | None = None) -> Song:
    """The band (tracks Keys, Bass, Drums unless given) playing `patterns` once each."""
    tracks = tracks or [Track("Keys"), Track("Bass"), Track("Drums")]
    return build_song(*patterns, tracks=tracks, instruments=dict(BAND), bpm=bpm)


def band_song(*, tracks: list[Track] | None = None) -> Song:
    """The groove, then the bridge: a line is 1/16 s at 240 bpm, 4 lines per beat."""
    return build_band_song(GROOVE, BRIDGE, tracks=tracks, bpm=240)
