"""Keys and scales: pure music theory for the song's `key` and `scale`.

The editor locks note entry to the scale, marks it in the grid and transposes
by scale steps; the file format checks the names; `tracker check` shows them.
One table here serves them all. A scale is the set of semitones above its
tonic; "chromatic" holds all twelve and means "no scale".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.song.model import Song

SCALES: dict[str, tuple[int, ...]] = {
    "chromatic": tuple(range(12)),
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
    "harmonic-minor": (0, 2, 3, 5, 7, 8, 11),
    "melodic-minor": (0, 2, 3, 5, 7, 9, 11),
    "major-pentatonic": (0, 2, 4, 7, 9),
    "minor-pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
}
"""Scale name -> semitones from the tonic, ascending, starting at 0."""

KEY_NAMES: tuple[str, ...] = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
"""Pitch class -> the key's name as the writer spells it (sharps)."""

_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTALS = {"": 0, "#": 1, "b": -1}


def parse_key(text: str) -> int:
    """The pitch class (0-11) of a key name: C, C#, Db, ... B; case of the letter is free."""
    name = text.strip()
    letter, accidental = name[:1].upper(), name[1:]
    if letter not in _LETTERS or accidental not in _ACCIDENTALS:
        raise ValueError(
            f'"{text}" is not a key (expected a note name: C, C#, Db, D, ... B; sharps # or flats b)'
        )
    return (_LETTERS[letter] + _ACCIDENTALS[accidental]) % 12


def key_name(text: str) -> str:
    """The canonical spelling of a key name ("Bb" -> "A#", "c" -> "C")."""
    return KEY_NAMES[parse_key(text)]


def check_scale(name: str) -> tuple[int, ...]:
    """The scale's steps; ValueError naming the known scales otherwise."""
    if name not in SCALES:
        raise ValueError(f'"{name}" is not a scale (expected one of {", ".join(SCALES)})')
    return SCALES[name]


def in_scale(note: int, tonic: int, scale: str) -> bool:
    """True when the note's pitch class belongs to the scale on this tonic."""
    return (note - tonic) % 12 in check_scale(scale)


def snap(note: int, tonic: int, scale: str) -> int:
    """The nearest scale note (a tie goes down; never above MIDI 127 when a lower one exists)."""
    if in_scale(note, tonic, scale):
        return note
    for distance in range(1, 12):
        down, up = note - distance, note + distance
        if in_scale(down, tonic, scale):
            return down
        if in_scale(up, tonic, scale) and up <= 127:
            return up
    raise AssertionError("every scale has a note within an octave")  # pragma: no cover


def step(note: int, tonic: int, scale: str, steps: int) -> int:
    """Move by `steps` scale degrees (negative goes down), after snapping to the scale.

    In "chromatic" a step is a semitone. The result is not clamped to MIDI's 0-127:
    the caller decides what to do at the edges.
    """
    degrees = check_scale(scale)
    start = snap(note, tonic, scale)
    octave, degree = divmod(degrees.index((start - tonic) % 12) + steps, len(degrees))
    base = start - (start - tonic) % 12
    return base + octave * 12 + degrees[degree]


def scale_of(song: Song, pattern_name: str | None = None) -> tuple[int, str]:
    """(tonic pitch class, scale name) in force in a pattern: its own, else the song's."""
    pattern = song.patterns.get(pattern_name) if pattern_name is not None else None
    key = pattern.key if pattern is not None and pattern.key is not None else song.key
    scale = pattern.scale if pattern is not None and pattern.scale is not None else song.scale
    return parse_key(key), scale
