"""Chord symbols and the notes they spell, both ways: pure music theory, no I/O.

`parse_chord("F#maj9/A")` reads a symbol; `Chord.notes` spells it upwards from
a root note, with a slash bass below it (or, when the bass is a chord tone, as
the inversion that puts it lowest); `name_notes` reads a chord back from notes,
so the editor can name what is under the cursor whoever wrote it. `invert` and
`next_voicing` rearrange a chord's notes the way a keyboard player would.

One table, `CHORD_KINDS`, holds every kind: semitones above the root. Its order
is the preference when notes spell more than one chord of the same root.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.errors import EditError
from tracker.song.model import HIGHEST_NOTE, LOWEST_NOTE

CHORD_KINDS: dict[str, tuple[int, ...]] = {
    "": (0, 4, 7),
    "m": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
    "5": (0, 7),
    "6": (0, 4, 7, 9),
    "m6": (0, 3, 7, 9),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10),
    "m7b5": (0, 3, 6, 10),
    "dim7": (0, 3, 6, 9),
    "mMaj7": (0, 3, 7, 11),
    "7sus4": (0, 5, 7, 10),
    "add9": (0, 4, 7, 14),
    "madd9": (0, 3, 7, 14),
    "9": (0, 4, 7, 10, 14),
    "maj9": (0, 4, 7, 11, 14),
    "m9": (0, 3, 7, 10, 14),
    "11": (0, 4, 7, 10, 14, 17),
    "m11": (0, 3, 7, 10, 14, 17),
    "13": (0, 4, 7, 10, 14, 21),
}
"""Chord kind (the symbol after the root) -> semitones above the root, ascending.
A 13 chord leaves out the 11th, as players do: it clashes with the major third."""

ALIASES: dict[str, str] = {
    "M": "",
    "maj": "",
    "min": "m",
    "-": "m",
    "+": "aug",
    "o": "dim",
    "sus": "sus4",
    "M7": "maj7",
    "Maj7": "maj7",
    "min7": "m7",
    "-7": "m7",
    "m7-5": "m7b5",
    "o7": "dim7",
    "mmaj7": "mMaj7",
    "m(maj7)": "mMaj7",
    "minmaj7": "mMaj7",
    "7sus": "7sus4",
    "M9": "maj9",
    "min9": "m9",
    "add2": "add9",
}
"""Other spellings musicians use for the kinds above."""

PITCH_NAMES: tuple[str, ...] = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
"""How a chord's root and bass are spelled when read back (the usual key names)."""

_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_SYMBOL = re.compile(r"^([A-Ga-g])([#b]?)(.*?)(?:/([A-Ga-g])([#b]?))?$")
EXAMPLES = "e.g. C, Cm7, F#maj9/A, Gsus4, Bdim"


@dataclass(frozen=True)
class Chord:
    """A chord as pitch classes: root (0 = C), kind (a key of CHORD_KINDS) and the
    bass when it is not the root (a slash chord: C/E, F#maj9/A)."""

    root: int
    kind: str
    bass: int | None = None

    @property
    def intervals(self) -> tuple[int, ...]:
        return CHORD_KINDS[self.kind]

    @property
    def pitch_classes(self) -> frozenset[int]:
        return frozenset((self.root + i) % 12 for i in self.intervals)

    @property
    def name(self) -> str:
        slash = "" if self.bass is None else f"/{PITCH_NAMES[self.bass]}"
        return f"{PITCH_NAMES[self.root]}{self.kind}{slash}"

    def notes(self, root_note: int) -> list[int]:
        """MIDI notes, ascending, with the root at `root_note` (its pitch class must be the
        root's). A bass that is a chord tone gives the inversion with it lowest; any other
        bass sounds below the root, within the octave under it."""
        notes = [root_note + i for i in self.intervals]
        if self.bass is not None and self.bass in self.pitch_classes:
            while notes[0] % 12 != self.bass:
                notes = sorted([*notes[1:], notes[0] + 12])
        elif self.bass is not None:
            notes.insert(0, root_note - ((root_note - self.bass) % 12 or 12))
        _check_range(notes, self.name)
        return notes


def _pitch_class(letter: str, accidental: str) -> int:
    return (_LETTERS[letter.upper()] + {"": 0, "#": 1, "b": -1}[accidental]) % 12


def parse_chord(symbol: str) -> Chord:
    """A chord symbol: root (C..B, then # or b), kind (m7, maj9, sus4 ...), optional /bass.

    Raises EditError saying what was expected, with the known kinds."""
    text = symbol.strip()
    found = _SYMBOL.match(text)
    if not text or found is None:
        raise EditError(
            f'"{symbol}" is not a chord symbol: expected a root C..B (with # or b), '
            f"a kind and an optional /bass, {EXAMPLES}"
        )
    letter, accidental, kind, bass_letter, bass_accidental = found.groups()
    if "/" in kind:
        raise EditError(
            f'the bass after "/" in "{text}" must be a note C..B (with # or b), {EXAMPLES}'
        )
    kind = ALIASES.get(kind, kind)
    if kind not in CHORD_KINDS:
        known = ", ".join(k or "(major)" for k in CHORD_KINDS)
        raise EditError(f'unknown chord kind "{found.group(3)}" in "{text}" (known: {known})')
    root = _pitch_class(letter, accidental)
    bass = None if bass_letter is None else _pitch_class(bass_letter, bass_accidental)
    return Chord(root, kind, None if bass == root else bass)


def _readings(pitch_classes: frozenset[int], roots: Sequence[int]) -> list[Chord]:
    """Every (root, kind) that spells exactly these pitch classes, roots in the order given."""
    found = []
    for root in roots:
        for kind, intervals in CHORD_KINDS.items():
            if frozenset((root + i) % 12 for i in intervals) == pitch_classes:
                found.append(Chord(root, kind))
    return found


def name_notes(notes: Sequence[int]) -> Chord | None:
    """The chord these notes spell (octaves and doublings do not matter), or None.

    Where the notes spell several chords, the one with its root in the bass wins
    (C E G A is C6, not Am7/C); then an inversion, named with its bass (C7/E); then
    a chord over a bass outside it (F#maj9/A)."""
    if len(notes) < 2:
        return None
    ordered = sorted(notes)
    bass = ordered[0] % 12
    every = frozenset(n % 12 for n in ordered)
    rooted = _readings(every, [bass])
    if rooted:
        return rooted[0]
    inverted = _readings(every, sorted(every))
    if inverted:
        return Chord(inverted[0].root, inverted[0].kind, bass)
    upper = frozenset(n % 12 for n in ordered[1:])
    if bass not in upper and len(upper) >= 2:
        over = _readings(upper, sorted(upper))
        if over:
            return Chord(over[0].root, over[0].kind, bass)
    return None


def _check_range(notes: Sequence[int], what: str) -> None:
    if notes and (min(notes) < LOWEST_NOTE or max(notes) > HIGHEST_NOTE):
        edge = "below C-0" if min(notes) < LOWEST_NOTE else "above G-9"
        raise EditError(f"{what} would go {edge}: change the base octave with * and /")


def invert(notes: Sequence[int], direction: int) -> list[int]:
    """The next inversion up (the lowest note goes up an octave) or down (the highest
    comes down one), ascending."""
    ordered = sorted(notes)
    if len(ordered) < 2:
        raise EditError("there is no chord under the cursor (two notes or more on the line)")
    if direction > 0:
        result = sorted([*ordered[1:], ordered[0] + 12])
    else:
        result = sorted([ordered[-1] - 12, *ordered[:-1]])
    _check_range(result, "that inversion")
    return result


VOICINGS: dict[str, tuple[int, ...]] = {
    "close": (),
    "drop-2": (1,),
    "drop-3": (2,),
    "drop-2-4": (1, 3),
}
"""Voicing name -> which voices of the close voicing, counted from the top (0), drop an
octave. Every voicing keeps the top note: the melody stays where it is."""


def close_voicing(notes: Sequence[int]) -> list[int]:
    """The notes packed into the octave below the top note, ascending (a doubled pitch
    class goes an octave lower)."""
    ordered = sorted(notes)
    top, rest = ordered[-1], ordered[:-1]
    rest.sort(key=lambda n: ((top - n) % 12 or 12, -n))
    stacked, current = [top], top
    for note in rest:
        current -= (current - note) % 12 or 12
        stacked.append(current)
    return sorted(stacked)


def voicings(notes: Sequence[int]) -> list[tuple[str, list[int]]]:
    """The distinct voicings of a chord's notes, in VOICINGS order."""
    close = close_voicing(notes)
    found: list[tuple[str, list[int]]] = []
    for name, drops in VOICINGS.items():
        if any(d >= len(close) for d in drops):
            continue
        from_top = sorted(close, reverse=True)
        voiced = sorted(n - 12 if i in drops else n for i, n in enumerate(from_top))
        if all(voiced != v for _, v in found):
            found.append((name, voiced))
    return found


def next_voicing(notes: Sequence[int]) -> tuple[str, list[int]]:
    """The voicing after the one the notes are in (close after the last, or after a
    voicing of the musician's own). A bass outside the chord (the A of F#maj9/A) stays
    the lowest note; the chord above it is revoiced."""
    if len(notes) < 2:
        raise EditError("there is no chord under the cursor (two notes or more on the line)")
    chord = name_notes(notes)
    if chord is not None and chord.bass is not None and chord.bass not in chord.pitch_classes:
        bass, *upper = sorted(notes)
        name, voiced = next_voicing(upper)
        while bass >= voiced[0]:
            bass -= 12
        _check_range([bass], f"the {name} voicing")
        return name, [bass, *voiced]
    found = voicings(notes)
    current = sorted(notes)
    index = next((i for i, (_, v) in enumerate(found) if v == current), -1)
    name, voiced = found[(index + 1) % len(found)]
    _check_range(voiced, f"the {name} voicing")
    return name, voiced
