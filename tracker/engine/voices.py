"""Cells -> note, program, controller and bend events: the voices and their effects.

The rules, as a musician meets them:

- Each note column is one monophonic voice. A note ends at the next note of
  its column, at OFF, at ^^^, at a Cxx cut, or at the end of the song. MIDI has
  no per-note cut, so ^^^ is a note-off like OFF (the synth's release still plays).
- The instrument column is sticky (as in FT2): it sets the column's instrument
  until the next one. A note before any instrument plays the song's
  lowest-numbered instrument.
- Velocity is the volume column (00-7F); without one, the instrument's volume
  (clamped to 0-127). Volume 00 plays nothing (it still ends the note before).
  A volume without a note sets the velocity of later retriggers and arpeggio steps.
- Song-wide effects (T, L, B, K) are handled by the caller (score/sequence).
- Ticks: a line has `tpl` ticks. Qxx starts the line's note (or OFF) xx ticks
  late (at most tpl-1). Effects that count ticks count from the note's start on
  a line with a note, from the line's start otherwise.
- Pitch effects (U, D, G, V, W) are pitch bends on the channel of the column's
  note, assuming the synth's bend range of +-2 semitones; they move on every
  tick after the first (FT2's rule: the first tick plays the line), so with
  tpl 1 only W moves the pitch. A bend never goes past the range: a slide stops
  there, and a glide wider than 2 semitones ends 2 semitones away. A new note
  (not a glide) resets the bend to centre first, unless its line sets Wxx.
  Bends act on the whole channel: instruments sharing a channel share them.
- Axy arpeggio retriggers notes (audible on every synth): tick n after the
  note's start plays note + (0, x, y)[n % 3], each step a new note-on. When the
  arpeggio stops, the next line goes back to the written note (one more step).
- Rxy retriggers the note every y ticks (from the note's start; on a line
  without a note at ticks 0, y, 2y ...), changing velocity by x as in FT2:
  1-5 subtract 1, 2, 4, 8, 16; 6 times 2/3; 7 half; 9-D add 1, 2, 4, 8, 16;
  E times 3/2; F double; 0 and 8 keep it.
- Cxx cuts (note-off) xx ticks after the note's start; C00 on a note's line
  means the note never sounds; a cut past the line's end does nothing.
- Gxx glides from the column's sounding note to the new one at xx/16 semitone
  per tick without a new note-on (G00 reuses the column's last speed, first
  1 semitone per tick); a G line without a note keeps gliding.
- Vxy vibrato: speed x (64 steps a cycle), depth y/8 semitone; when it stops,
  the bend returns to where slides left it.
- Wxx sets the bend: 80 centre, 00 two semitones down, FF just short of two up.
- Pxx changes the program of the column's instrument (bank unchanged), from
  then on. Programs are PROGRAM events with b = bank (no CC 0/32 events).
  Each channel gets its first instrument's program at the start; when
  instruments share a channel, a program change goes before a note whose
  instrument's program is not the channel's.
- CC lanes send a CONTROL event at their line's start on the channel of the
  track's current instrument: the last instrument set in any of its columns.
  A lane of CC 7, 10, 91 or 93 wins over the track's mixer strip while set
  (engine/mixer.py).

Over 400 lines, on purpose: every effect reads and writes the same state, each voice's
(sounding key, written note, velocity, glide, vibrato phase) and each channel's (program,
bend base and bend sent), inside one tick loop whose order is part of the rules (an
arpeggio step that retriggers skips the Rxy retrigger, a vibrato rides on where slides
and glides left the bend, a cut ends them all). Split apart, the parts would pass that
state back and forth, and the rules above, one list as a musician reads them, would
lose their one home.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tracker.engine.controllers import CcResolver, checked_cc
from tracker.engine.emitter import Emitter
from tracker.engine.events import Kind
from tracker.engine.mixer import MIXER_CONTROLLERS, Chased
from tracker.engine.score import LineData
from tracker.errors import SongFormatError
from tracker.song.model import NOTE_OFF, Cell, Song

# Enum members as plain names: a class attribute lookup per event adds up (75 ns each).
_NOTE_ON, _NOTE_OFF, _PROGRAM = Kind.NOTE_ON, Kind.NOTE_OFF, Kind.PROGRAM
_PITCH_BEND, _CONTROL = Kind.PITCH_BEND, Kind.CONTROL

BEND_RANGE = 2
"""Semitones either way: the General MIDI default."""
SEMITONE = 8192 // BEND_RANGE
SIXTEENTH = SEMITONE // 16
BEND_MIN, BEND_MAX = -8192, 8191
VIBRATO_STEPS = 64
DEFAULT_GLIDE = 16 * SIXTEENTH

Program = tuple[int, int]
"""(program, bank)."""


def clamp_bend(value: int) -> int:
    return max(BEND_MIN, min(BEND_MAX, value))


def retrigger_velocity(velocity: int, change: int) -> int:
    """FT2's retrigger volume table applied to a MIDI velocity, kept within 1-127."""
    steps = {1: -1, 2: -2, 3: -4, 4: -8, 5: -16, 9: 1, 10: 2, 11: 4, 12: 8, 13: 16}
    if change in steps:
        velocity += steps[change]
    elif change == 6:
        velocity = velocity * 2 // 3
    elif change == 7:
        velocity //= 2
    elif change == 14:
        velocity = velocity * 3 // 2
    elif change == 15:
        velocity *= 2
    return max(1, min(127, velocity))


@dataclass(slots=True)
class ChannelState:
    program: Program | None = None
    bend_base: int = 0
    """Where W, slides and glides put the bend."""
    bend_out: int = 0
    """The bend last sent (base plus vibrato)."""


@dataclass(eq=False, slots=True)
class Voice:
    """One note column while the song plays."""

    track: int
    column: int
    instrument: int | None = None
    """Sticky: the column's last instrument."""
    key: int | None = None
    """The MIDI note sounding, if any."""
    written: int = 0
    """The note as written (an arpeggio step or a glide may differ from `key`)."""
    channel: int = 0
    sounding: int | None = None
    """The instrument of the sounding note."""
    velocity: int = 100
    glide_target: int = 0
    glide_speed: int = DEFAULT_GLIDE
    vibrato_phase: int = 0
    arpeggio_on: bool = False
    vibrato_on: bool = False
    stamp: int = -1
    """The last line that had a cell for this voice."""
    ghost: int | None = None
    """Compiled from mid-song: the note this column held when play reached the
    start (silenced by the chase). Its note-off goes to Emitter.held_offs where
    the column would have ended it, so a player can let it ring on."""
    ghost_channel: int = 0
    ghost_instrument: int | None = None
    struck: tuple[int, int] = (-1, -1)
    """Emitter.strike() of the sounding note: (tick, index of its note-on)."""


def _place(voice: Voice) -> tuple[int, int]:
    return voice.track, voice.column


@dataclass
class Performance:
    """The state of every voice and channel while the song plays."""

    song: Song
    channels: dict[int, int]
    resolver: CcResolver
    tpl: int = field(init=False)
    default_instrument: int | None = field(init=False)
    programs: dict[int, Program] = field(init=False)
    volumes: dict[int, int] = field(init=False)
    channel_state: list[ChannelState] = field(init=False)
    voices: list[list[Voice]] = field(init=False)
    track_instrument: list[int | None] = field(init=False)
    chased_bpm: float = field(init=False)
    """Tempo and lines per beat as Txx/Lxx left them (a chase to a cursor reads them)."""
    chased_lpb: int = field(init=False)
    _lingering: set[Voice] = field(init=False, default_factory=set)
    _cc_cache: dict[tuple[str, int], int] = field(init=False, default_factory=dict)
    lane_mix: Chased = field(init=False, default_factory=dict)
    """What CC lanes last set of the mixer's controllers, per channel: a start after a
    chase sends these instead of the strip's (engine/mixer.py)."""
    _line: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        song = self.song
        self.tpl = song.tpl
        self.chased_bpm, self.chased_lpb = song.bpm, song.lpb
        self.default_instrument = min(song.instruments) if song.instruments else None
        self.programs = {n: (i.program, i.bank) for n, i in song.instruments.items()}
        self.volumes = {n: max(0, min(127, i.volume)) for n, i in song.instruments.items()}
        self.channel_state = [ChannelState() for _ in range(16)]
        self.voices = [
            [Voice(t, c) for c in range(track.notes)] for t, track in enumerate(song.tracks)
        ]
        self.track_instrument = [None] * len(song.tracks)

    # -- whole song ---------------------------------------------------------

    def start_programs(self, em: Emitter) -> None:
        """Each channel's first instrument's program, at the current line's start; and,
        after a chase, the bend the song left the channel at (W, a slide, a vibrato)."""
        done: set[int] = set()
        for number in sorted(self.channels):
            channel = self.channels[number]
            if channel in done:
                continue
            done.add(channel)
            program = self.programs[number]
            state = self.channel_state[channel]
            state.program = program
            em.emit(0, _PROGRAM, -1, 0, channel, program[0], program[1], number)
            if state.bend_out:
                em.emit(0, _PITCH_BEND, -1, 0, channel, state.bend_out, 0, number)

    def silence(self) -> None:
        """Forget what sounds, keep what was chosen (instruments, programs) and where each
        channel's bend stands: after a chase. A vibrato the start line does not go on
        with still owes its bend's return (else the next notes play off pitch)."""
        for voices in self.voices:
            for voice in voices:
                if voice.key is not None:
                    voice.ghost, voice.ghost_channel = voice.key, voice.channel
                    voice.ghost_instrument = voice.sounding
                voice.key = None
                voice.arpeggio_on = False
        self._lingering = {v for v in self._lingering if v.vibrato_on}
        for state in self.channel_state:
            state.program = None

    def ghosts(self) -> list[tuple[int, int, int, int]]:
        """(track, column, channel, note) of every note held when the chase stopped."""
        return [
            (v.track, v.column, v.ghost_channel, v.ghost)
            for voices in self.voices
            for v in voices
            if v.ghost is not None
        ]

    def release_all(self, em: Emitter, offset: int) -> None:
        for voices in self.voices:
            for voice in voices:
                self._release(voice, offset, em)

    def play_line(self, line: LineData, em: Emitter) -> None:
        self._line += 1
        voices = self.voices
        for track, column, cell, effects in line.cells:
            if track < len(voices) and column < len(voices[track]):
                voice = voices[track][column]
                voice.stamp = self._line
                self._play_cell(voice, cell, effects, em)
        if self._lingering:
            # In track and column order: voices on one channel share its bend, and the
            # first to stop sends its return (a set's order would change run to run).
            ending = [v for v in self._lingering if v.stamp != self._line]
            for voice in sorted(ending, key=_place):
                self._stop_lingering(voice, {}, em)
        for track, lane, value in line.controls:
            self._control(track, lane, value, em)

    # -- one cell -----------------------------------------------------------

    def _play_cell(self, v: Voice, cell: Cell, fx: dict[str, int], em: Emitter) -> None:
        if cell.instrument is not None:
            v.instrument = cell.instrument
            self.track_instrument[v.track] = cell.instrument
        if not fx:  # most cells: a note, an OFF or a volume, no effect; no per-tick work
            note = cell.note
            if note is None:
                self._keep_playing(v, cell, fx, em)
            elif note >= NOTE_OFF:
                self._release(v, 0, em)
            else:
                self._start(v, note, cell.volume, fx, 0, em)
            return
        tpl = self.tpl
        delay = min(fx.get("Q", 0), tpl - 1)
        if "P" in fx:
            self._program_change(v, fx["P"], delay, em)
        note = cell.note
        key = v.key
        started = False
        start = delay
        if note is not None and note < NOTE_OFF and "G" in fx and key is not None:
            v.glide_target = clamp_bend((note - key) * SEMITONE)
            v.written = note
            self._keep_playing(v, cell, fx, em)
        elif note is None:
            self._keep_playing(v, cell, fx, em)
            start = 0
        elif note >= NOTE_OFF:
            self._release(v, delay, em)
        else:
            started = self._start(v, note, cell.volume, fx, delay, em)
        if fx.get("G"):
            v.glide_speed = fx["G"] * SIXTEENTH
        if "W" in fx:
            self._set_bend(v, fx["W"], delay, em)
        if v.key is not None:
            self._ticks(v, fx, start, started, em)

    def _start(
        self, v: Voice, note: int, volume: int | None, fx: dict[str, int], at: int, em: Emitter
    ) -> bool:
        """A new note in the column at tick `at`: True if it sounds."""
        number = v.instrument if v.instrument is not None else self._default(v.track)
        self._release(v, at, em)
        if volume is None:
            volume = self.volumes[number]
        v.velocity = volume or v.velocity
        v.arpeggio_on = v.vibrato_on = False
        self._lingering.discard(v)
        if volume == 0 or fx.get("C") == 0:
            return False
        channel = self.channels[number]
        state = self.channel_state[channel]
        program = self.programs[number]
        if state.program != program:
            state.program = program
            em.emit(at, _PROGRAM, v.track, v.column, channel, program[0], program[1], number)
        if "W" not in fx and (state.bend_out or state.bend_base):
            em.emit(at, _PITCH_BEND, v.track, v.column, channel, 0, 0, number)
        state.bend_out = state.bend_base = 0
        v.struck = em.strike(at)
        em.note_on(at, v.track, v.column, channel, note, volume, number)
        v.key = v.written = note
        v.channel = channel
        v.sounding = number
        v.glide_target = 0
        v.vibrato_phase = 0
        return True

    def _release(self, v: Voice, at: int, em: Emitter) -> None:
        if v.ghost is not None:
            em.held_off(at, v.track, v.column, v.ghost_channel, v.ghost, v.ghost_instrument)
            v.ghost = None
        if v.key is not None:
            if not em.unstrike(v.struck, at):
                em.emit(at, _NOTE_OFF, v.track, v.column, v.channel, v.key, 0, v.sounding)
            v.key = None

    def _retrigger(self, v: Voice, key: int, velocity: int, at: int, em: Emitter) -> None:
        self._release(v, at, em)
        v.struck = em.strike(at)
        em.emit(at, _NOTE_ON, v.track, v.column, v.channel, key, velocity, v.sounding)
        v.key = key

    def _keep_playing(self, v: Voice, cell: Cell, fx: dict[str, int], em: Emitter) -> None:
        """A line that does not start a note: a volume sets later velocities."""
        if cell.volume:
            v.velocity = cell.volume
        self._stop_lingering(v, fx, em)

    def _stop_lingering(self, v: Voice, fx: dict[str, int], em: Emitter) -> None:
        """An arpeggio or vibrato that the line does not continue ends at its start."""
        if v.arpeggio_on and "A" not in fx:
            v.arpeggio_on = False
            if v.key is not None and v.key != v.written:
                self._retrigger(v, v.written, v.velocity, 0, em)
        if v.vibrato_on and "V" not in fx:
            v.vibrato_on = False
            state = self.channel_state[v.channel]
            if state.bend_out != state.bend_base:
                state.bend_out = state.bend_base
                em.emit(0, _PITCH_BEND, v.track, v.column, v.channel, state.bend_out, 0, v.sounding)
        if not (v.arpeggio_on or v.vibrato_on):
            self._lingering.discard(v)

    def _default(self, track: int) -> int:
        if self.default_instrument is None:
            name = self.song.tracks[track].name
            raise SongFormatError(
                f'track "{name}" plays a note, but the song has no instruments (add one first)'
            )
        return self.default_instrument

    def _program_change(self, v: Voice, program: int, at: int, em: Emitter) -> None:
        number = v.instrument if v.instrument is not None else self._default(v.track)
        new = (min(program, 127), self.programs[number][1])
        self.programs[number] = new
        channel = self.channels[number]
        self.channel_state[channel].program = new
        em.emit(at, _PROGRAM, v.track, v.column, channel, new[0], new[1], number)

    def _set_bend(self, v: Voice, value: int, at: int, em: Emitter) -> None:
        if v.key is not None:
            channel, number = v.channel, v.sounding
        else:
            number = v.instrument if v.instrument is not None else self._default(v.track)
            channel = self.channels[number]
        bend = clamp_bend((value - 0x80) * 64)
        state = self.channel_state[channel]
        state.bend_base = state.bend_out = bend
        em.emit(at, _PITCH_BEND, v.track, v.column, channel, bend, 0, number)

    # -- ticks --------------------------------------------------------------

    def _ticks(self, v: Voice, fx: dict[str, int], start: int, started: bool, em: Emitter) -> None:
        """Per-tick effects of one line: cut, arpeggio, retrigger, slides, glide, vibrato."""
        cut = fx.get("C")
        arpeggio = fx.get("A", 0)
        retrigger = fx.get("R", 0)
        every = retrigger & 0x0F
        slide = (fx.get("U", 0) - fx.get("D", 0)) * SIXTEENTH
        glide = "G" in fx
        vibrato = fx.get("V", 0)
        if cut is None and not (arpeggio or every or slide or glide or vibrato):
            return
        tpl = self.tpl
        cut_at = start + cut if cut is not None else tpl
        steps = (0, arpeggio >> 4, arpeggio & 0x0F)
        state = self.channel_state[v.channel]
        depth = (vibrato & 0x0F) * SEMITONE // 8
        for tick in range(start, tpl):
            if tick == cut_at:
                self._release(v, tick, em)
                return
            n = tick - start
            moved = False
            if arpeggio:
                want = min(127, v.written + steps[n % 3])
                if want != v.key:
                    self._retrigger(v, want, v.velocity, tick, em)
                    moved = True
                v.arpeggio_on = True
                self._lingering.add(v)
            if every and not moved and n % every == 0 and (n or not started):
                v.velocity = retrigger_velocity(v.velocity, retrigger >> 4)
                self._retrigger(v, v.written if v.key is None else v.key, v.velocity, tick, em)
            if n == 0 or not (slide or glide or vibrato):
                continue
            base = state.bend_base
            if slide:
                base = clamp_bend(base + slide)
            if glide:
                step = v.glide_speed
                gap = v.glide_target - base
                base += max(-step, min(step, gap))
            state.bend_base = base
            out = base
            if vibrato:
                v.vibrato_phase = (v.vibrato_phase + (vibrato >> 4)) % VIBRATO_STEPS
                wave = math.sin(2 * math.pi * v.vibrato_phase / VIBRATO_STEPS)
                out = clamp_bend(base + round(depth * wave))
                v.vibrato_on = True
                self._lingering.add(v)
            if out != state.bend_out:
                state.bend_out = out
                em.emit(tick, _PITCH_BEND, v.track, v.column, v.channel, out, 0, v.sounding)

    # -- CC lanes -----------------------------------------------------------

    def _control(self, track: int, lane: int, value: int, em: Emitter) -> None:
        current = self.track_instrument[track]
        number = current if current is not None else self._default(track)
        names = self.song.tracks[track].cc
        name = names[lane] if lane < len(names) else str(lane)
        key = (name, number)
        controller = self._cc_cache.get(key)
        if controller is None:
            controller = checked_cc(name, self.resolver(name, self.song.instruments[number]))
            self._cc_cache[key] = controller
        channel = self.channels[number]
        if controller in MIXER_CONTROLLERS:
            self.lane_mix[(channel, controller)] = value
        em.emit(0, _CONTROL, track, 0, channel, controller, value, number)
