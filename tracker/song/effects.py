"""The effect table: one place for every effect letter, shared by the parser,
the timeline and the help screen.

Ticks are per line (`tpl` of them). Values are one hex byte `xy`.

Y and I decide whether their cell plays at all, pass by pass (engine/variation.py):
a cell that does not play is as if empty that time (the note before rings on). They
do not gate song-wide effects (T, L, B, K), which act on every pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.song.limits import TEMPO_EFFECT_RANGE
from tracker.song.model import Effect

_LOWEST_T = TEMPO_EFFECT_RANGE[0]


@dataclass(frozen=True)
class EffectSpec:
    letter: str
    name: str
    help: str
    global_: bool = False
    """Acts on the song (tempo, jumps) rather than on the note of its column."""


EFFECTS: dict[str, EffectSpec] = {
    spec.letter: spec
    for spec in (
        EffectSpec("A", "Arpeggio", "Axy: cycle note, +x, +y semitones, one step per tick"),
        EffectSpec("U", "Slide up", "Uxx: bend pitch up xx/16 semitone per tick"),
        EffectSpec("D", "Slide down", "Dxx: bend pitch down xx/16 semitone per tick"),
        EffectSpec(
            "G", "Glide", "Gxx: glide from the previous note to this one, xx/16 semitone per tick"
        ),
        EffectSpec("V", "Vibrato", "Vxy: vibrato, speed x, depth y/8 semitone"),
        EffectSpec("Q", "Delay", "Qxx: start the note xx ticks late"),
        EffectSpec("C", "Cut", "Cxx: cut the note after xx ticks"),
        EffectSpec("R", "Retrigger", "Rxy: retrigger every y ticks, velocity change x (8 = none)"),
        EffectSpec(
            "T",
            "Tempo",
            f"Txx: set tempo to xx bpm in hex, {_LOWEST_T:02X}-FF (T78 = 120 bpm, T1E = 30 bpm)",
            global_=True,
        ),
        EffectSpec("L", "Lines per beat", "Lxx: set lines per beat to xx", global_=True),
        EffectSpec("B", "Jump", "Bxx: after this line, jump to order entry xx", global_=True),
        EffectSpec(
            "K",
            "Break",
            "Kxx: after this line, go to line xx of the next order entry",
            global_=True,
        ),
        EffectSpec("P", "Program", "Pxx: program change to xx"),
        EffectSpec("W", "Pitch bend", "Wxx: set pitch bend, 80 = centre, 00 down, FF up"),
        EffectSpec(
            "Y", "Chance", "Yxx: the note plays with probability xx/FF (drawn from the song's seed)"
        ),
        EffectSpec(
            "I",
            "Condition",
            "Ixy: the note plays on pass x of every y passes of its pattern; I0y: on all but the y-th",
        ),
    )
}


SAID_IN_DECIMAL = frozenset("TL")
"""Effects whose value musicians say in decimal (tempo, lines per beat): effect_meaning
spells them out, and the editor says so when such a value is typed."""


def effect_meaning(effect: Effect) -> str:
    """What one written effect does, its hex value in decimal where that is what a
    musician thinks in: "T78 = 120 bpm". The status line shows it under the cursor."""
    if effect.command.upper() == "T":
        low, high = TEMPO_EFFECT_RANGE
        if not low <= effect.value <= high:
            return f"T{effect.value:02X} = ignored (a tempo is T{low:02X}-T{high:02X})"
        return f"T{effect.value:02X} = {effect.value} bpm"
    if effect.command.upper() == "L":
        return f"L{effect.value:02X} = {effect.value} lines per beat"
    spec = EFFECTS.get(effect.command.upper())
    return f"{effect.command}{effect.value:02X} = {spec.name if spec else 'unknown effect'}"
