"""The song as plain data: what a musician wrote, nothing computed, no I/O.

A note column is monophonic: a new note in it ends the one before. A track has
`notes` note columns side by side (its polyphony), each carrying `effects`
effect slots, then one value lane per automated CC.

Cells are frozen so an edit replaces a cell rather than changing it in place;
undo then only has to put the old object back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from tracker.song import limits

FORMAT_VERSION = 1

NOTE_OFF = 128
"""Ends the sounding note of the column (written `OFF`)."""
NOTE_CUT = 129
"""Cuts the sounding note at once, release included where the synth allows (written `^^^`)."""
LOWEST_NOTE = 12
"""C-0: notation has one digit for the octave, so MIDI notes 0-11 cannot be written."""
HIGHEST_NOTE = 127
"""G-9."""

# The limits live in song/limits.py; these names are kept for the modules that read them here.
MAX_LINES = limits.MAX_LINES
MAX_INSTRUMENTS = limits.MAX_INSTRUMENTS
MAX_TRACKS = limits.MAX_TRACKS
MAX_NOTE_COLUMNS = limits.MAX_NOTE_COLUMNS
MAX_EFFECT_COLUMNS = limits.MAX_EFFECT_COLUMNS
MAX_CC_LANES = limits.MAX_CC_LANES


MAX_SEED = limits.SEED_RANGE[1]


@dataclass(frozen=True)
class Groove:
    """A groove template (song/grooves.py): one delay per line, repeating down a pattern."""

    delays: tuple[float, ...]
    in_ticks: bool = False
    """The delays are ticks (`tpl` to a line), not fractions of a line."""


@dataclass(frozen=True)
class Humanise:
    """Seeded spread around what is written: up to `velocity` either way on each note's
    velocity, up to `timing` ticks late or early on its start. Zero is exact."""

    velocity: int = 0
    timing: float = 0.0

    @property
    def is_off(self) -> bool:
        return self.velocity == 0 and self.timing == 0.0


def is_pitch(note: int | None) -> bool:
    """True for a real MIDI pitch, false for empty, note-off and cut."""
    return note is not None and LOWEST_NOTE <= note <= HIGHEST_NOTE


@dataclass(frozen=True)
class Effect:
    """One effect command: a letter and its xy byte (see song/effects.py)."""

    command: str
    value: int

    @property
    def x(self) -> int:
        return self.value >> 4

    @property
    def y(self) -> int:
        return self.value & 0x0F


@dataclass(frozen=True)
class Cell:
    """One line of one note column: note, instrument, volume and its effect slots.

    `effects` always has exactly as many slots as the track has effect columns;
    an empty slot is None.
    """

    note: int | None = None
    instrument: int | None = None
    volume: int | None = None
    effects: tuple[Effect | None, ...] = (None,)

    @property
    def is_empty(self) -> bool:
        return (
            self.note is None
            and self.instrument is None
            and self.volume is None
            and all(e is None for e in self.effects)
        )


def empty_cell(effect_columns: int = 1) -> Cell:
    return Cell(effects=(None,) * effect_columns)


@dataclass
class PatternTrack:
    """One track's part of a pattern.

    columns[c][line] is a Cell; cc[lane][line] is a value 0-127 or None.
    """

    columns: list[list[Cell]]
    cc: list[list[int | None]] = field(default_factory=list)
    loop: int | None = None
    """Polymeter: the track plays its first `loop` lines over and over through the
    pattern (None: it plays all of them once). Lines after `loop` are kept but not heard."""

    @classmethod
    def empty(cls, track: Track, lines: int) -> PatternTrack:
        return cls(
            columns=[[empty_cell(track.effects)] * lines for _ in range(track.notes)],
            cc=[[None] * lines for _ in track.cc],
        )


@dataclass
class Pattern:
    """A block of `lines` lines across every track of the song."""

    lines: int
    tracks: list[PatternTrack]
    key: str | None = None
    """This pattern's key, overriding the song's (None: the song's)."""
    scale: str | None = None
    """This pattern's scale, overriding the song's (None: the song's)."""

    @classmethod
    def empty(cls, tracks: list[Track], lines: int) -> Pattern:
        return cls(lines=lines, tracks=[PatternTrack.empty(t, lines) for t in tracks])


@dataclass
class Track:
    """A lane of the song: its name, its polyphony, its automation lanes and its mixer strip.

    `cc` names each automation lane: a CC name from the instrument's device map
    (e.g. "cutoff") or a controller number written as decimal text ("74").

    The mixer strip is sent as channel messages on every channel the track
    plays (engine/mixer.py), so hardware follows the same mix as the soundfont:
    `volume_db` as CC 7 (0 dB is CC 7 = 100, the General MIDI default, so a
    track at 0 dB sounds as it did before the mixer), `pan` -64..+63 as CC 10
    (0 = centre, CC 64), `reverb` and `chorus` 0-127 as CC 91 and CC 93, or
    None to leave the synth's own send alone.
    """

    name: str
    notes: int = 1
    effects: int = 1
    cc: list[str] = field(default_factory=list)
    mute: bool = False
    solo: bool = False
    groove: str | None = None
    """This track's groove, overriding the song's (None: the song's)."""
    instrument: int | None = None
    """The instrument this track's notes were last typed with: the editor takes it up
    when the cursor enters the track. None: the editor's current one."""
    volume_db: float = 0.0
    pan: int = 0
    reverb: int | None = None
    chorus: int | None = None

    @property
    def mixer_is_default(self) -> bool:
        """True when the strip is as a track without a mixer: 0 dB, centre, no sends."""
        return (self.volume_db, self.pan, self.reverb, self.chorus) == (0.0, 0, None, None)


@dataclass
class MasterSettings:
    """What the render does to the whole mix (audio/master.py applies it).

    `gain_db` is applied first; `loudness`, when set, is an integrated loudness
    target in LUFS the render normalises to, never above `true_peak` dBTP.
    """

    gain_db: float = 0.0
    loudness: float | None = None
    true_peak: float = -1.0


@dataclass
class Instrument:
    """A sound: a soundfont program, or a hardware device on a MIDI channel.

    `soundfont` is "default" (the song's or the system's General MIDI font) or a
    path; `device` names a devices/<device>.toml (see tracker.instruments). `channel` is 1-16;
    None lets the engine pick one. Drum kits are bank 128 (channel 10 on GM).
    """

    name: str
    soundfont: str | None = "default"
    program: int = 0
    bank: int = 0
    device: str | None = None
    channel: int | None = None
    volume: int = 100
    sysex: str | None = None
    """A `.syx` file (relative to the song) sent to the instrument's port before it
    plays: when the song starts and when the port appears (midi/sysex.py)."""

    @property
    def is_drum_kit(self) -> bool:
        return self.bank == 128 or self.channel == 10


@dataclass
class Song:
    title: str = "Untitled"
    bpm: float = 120.0
    lpb: int = 4
    tpl: int = 6
    swing: float = 0.0
    key: str = "C"
    """The tonic (C, C#, ... B; see song/scales.py)."""
    scale: str = "chromatic"
    """A name from song/scales.SCALES; "chromatic" means no scale."""
    seed: int = 0
    """Where every chance (Yxx) and humanise draw comes from: the same seed, the same notes."""
    groove: str | None = None
    """The song's groove: a name from song/grooves.py or from `grooves` below (None: swing)."""
    grooves: dict[str, Groove] = field(default_factory=dict)
    """The song's own groove templates, by name."""
    humanise: Humanise = field(default_factory=Humanise)
    soundfont: str | None = None
    """The song's own soundfont (a path), overriding the system default."""
    order: list[str] = field(default_factory=list)
    instruments: dict[int, Instrument] = field(default_factory=dict)
    tracks: list[Track] = field(default_factory=list)
    patterns: dict[str, Pattern] = field(default_factory=dict)
    master: MasterSettings = field(default_factory=MasterSettings)
    format: int = FORMAT_VERSION

    @classmethod
    def new(cls, title: str = "Untitled", tracks: int = 4, lines: int = 64) -> Song:
        """A fresh song: a few empty tracks, one piano, one pattern in the order list."""
        song_tracks = [Track(name=f"Track {i + 1}") for i in range(tracks)]
        return cls(
            title=title,
            seed=secrets.randbelow(MAX_SEED + 1),
            order=["00"],
            instruments={1: Instrument(name="Piano", program=0)},
            tracks=song_tracks,
            patterns={"00": Pattern.empty(song_tracks, lines)},
        )

    def cell(self, pattern: str, track: int, column: int, line: int) -> Cell:
        return self.patterns[pattern].tracks[track].columns[column][line]
