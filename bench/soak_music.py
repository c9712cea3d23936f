"""The soak bench's music and its busy musician (bench/bench_soak.py): a dense 8-track
song at 999 bpm whose first track is a metronome, and the random edits and transport
commands that arrive while it plays, each drawn from a seeded random.Random so a run
can be repeated.
"""

from __future__ import annotations

import contextlib
import random

from tracker.errors import TrackerError
from tracker.player.protocol import (
    Command,
    Continue,
    Cue,
    Jump,
    Pause,
    Play,
    SetMute,
    SetTempo,
    Stop,
    UpdateSong,
    play_pattern,
)
from tracker.song.edit import History, SetCell, Transpose
from tracker.song.edit.selection import Selection
from tracker.song.model import (
    NOTE_OFF,
    Cell,
    Effect,
    Instrument,
    Pattern,
    PatternTrack,
    Song,
    Track,
)

BPM = 999.0
LPB = 8
TRACKS = 8
LINES = 32


def soak_song() -> Song:
    """Track 1 is a metronome (a note on every line, each ending the one before); the
    others mix held notes, OFFs, retriggers, cuts, delays and arpeggios, each on its own
    channel of the generic MIDI device so every track reaches the receiver as MIDI."""
    rng = random.Random(7)
    tracks = [Track(name=f"T{t + 1}", notes=1, effects=1) for t in range(TRACKS)]
    patterns = {}
    for name in ("a", "b"):
        pattern_tracks = []
        for t in range(TRACKS):
            if t == 0:
                column = [Cell(60 + line % 12, 1, 0x60, (None,)) for line in range(LINES)]
            else:
                column = [random_cell(rng, t + 1) for _ in range(LINES)]
            pattern_tracks.append(PatternTrack(columns=[column], cc=[]))
        patterns[name] = Pattern(lines=LINES, tracks=pattern_tracks)
    return Song(
        title="Soak",
        bpm=BPM,
        lpb=LPB,
        tpl=6,
        order=["a", "b", "a", "b"],
        instruments={
            t + 1: Instrument(f"Synth {t + 1}", soundfont=None, device="generic", channel=t + 1)
            for t in range(TRACKS)
        },
        tracks=tracks,
        patterns=patterns,
    )


def random_cell(rng: random.Random, instrument: int) -> Cell:
    """A note (sometimes with an effect that makes its own note-ons and -offs), an OFF, or rest."""
    roll = rng.random()
    if roll < 0.45:
        effect = rng.choice([None, None, Effect("R", 0x02), Effect("C", 0x03), Effect("Q", 0x02),
                             Effect("A", 0x37)])  # fmt: skip
        return Cell(rng.randrange(36, 96), instrument, rng.randrange(0x20, 0x7F), (effect,))
    if roll < 0.6:
        return Cell(NOTE_OFF, None, None, (None,))
    return Cell()


def random_edit(rng: random.Random, song: Song) -> SetCell | Transpose:
    """One edit a musician might make while the song plays: a cell rewritten, or a
    stretch of a pattern transposed."""
    pattern = rng.choice(sorted(song.patterns))
    if rng.random() < 0.8:
        track = rng.randrange(1, TRACKS)
        return SetCell(pattern, rng.randrange(LINES), track, 0, random_cell(rng, track + 1))
    first = rng.randrange(LINES)
    selection = Selection(pattern, first, min(LINES - 1, first + 7), 1, 0, TRACKS - 1, 0)
    return Transpose(selection, rng.choice([-12, -1, 1, 12]))


def random_command(rng: random.Random, history: History) -> Command:
    """What arrives next: mostly edits, then transport changes of every kind."""
    song = history.song
    roll = rng.random()
    if roll < 0.45:
        edit = random_edit(rng, song)
        with contextlib.suppress(TrackerError):  # a transpose off the keyboard: the UI refuses it
            history.do(edit)
        return UpdateSong(song)
    choices: list[Command] = [
        Play(song=song, start_order=rng.randrange(len(song.order)), loop=True),
        play_pattern(song, rng.randrange(len(song.order))),
        Play(song=song, start_order=rng.randrange(len(song.order)), loop=False),
        Stop(),
        Jump(rng.randrange(len(song.order)), rng.randrange(LINES)),
        Cue(rng.randrange(len(song.order))),
        SetMute(rng.randrange(TRACKS), rng.random() < 0.5),
        SetTempo(rng.choice([BPM, BPM / 2, 600.0, 333.0, 999.0])),
        Pause(),
        Continue(),
    ]
    return rng.choice(choices)
