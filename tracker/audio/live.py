"""Soundfont tracks live: FluidSynth's own sequencer puts each event on its sample.

The player hands every soundfont event over a short lookahead before its
deadline; here it becomes a sequencer event at the frame that deadline maps to,
so the audio thread applies it on FluidSynth's 64-frame grid with no Python in
between (DESIGN.md section 4). The rule is the bounce's: an event sounds from
the first 64-frame block at or after its frame, so a song sounds the same live
and offline.

How a frame becomes a sequencer tick. The sequencer runs on the synth's sample
clock (no system timer, time scale = sample rate), but FluidSynth hands it that
clock in whole milliseconds, once per block (fluid_synth.c,
fluid_sample_timer_process), and an event the sequencer dispatches in one block
reaches the voices in the next (the render loop stops there and applies it on
the next pass). So `tick_for_frame` asks for the tick the sequencer reads one
block before the wanted block: the event then lands exactly on it. Measured
against direct sends with FluidSynth 2.3 in tests/audio/test_live.py.

Wall time maps to frames through one straight line (`FrameClock`), taken from
the sequencer's own position when playback starts, plus a small margin so an
event handed over at its very deadline (the first line after a loop wrap) is
still ahead of the audio thread. Soundfont and MIDI ports then follow the same
deadlines; the driver's own output latency is a constant on top.
"""

from __future__ import annotations

import ctypes
import os
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tracker.audio.fluid import fluidsynth
from tracker.audio.patches import Patch
from tracker.audio.synth import BLOCK, Synth, SynthSettings
from tracker.engine.events import Event, Kind
from tracker.errors import AudioError, TrackerError
from tracker.lanes import soundfont_controls

DRIVER_ENV = "TRACKER_AUDIO_DRIVER"
"""Names the audio driver (pulseaudio, pipewire, jack, alsa, file, ...)."""
LOOKAHEAD_MS = 80.0
"""How long before its deadline the player hands a soundfont event over."""
MARGIN_FRAMES = 4 * BLOCK
"""Frames between where the audio thread is and where 'now' is scheduled."""
DRIFT_LIMIT_FRAMES = 8 * BLOCK
"""A fresh start re-reads the audio clock when it has wandered further than this."""
SOURCE_BASE = 1000
"""Sequencer events carry `SOURCE_BASE + track + 1` as source, so one track's
queued events can be taken back (mute) without touching the others."""
ALL_TRACKS = -1

_lib = fluidsynth._fl


def _c(name: str, *args: object) -> Callable[..., None]:
    func = getattr(_lib, name)
    func.argtypes = list(args)
    func.restype = None
    call: Callable[..., None] = func  # a foreign function that returns nothing
    return call


_event_cc = _c(
    "fluid_event_control_change", ctypes.c_void_p, ctypes.c_int, ctypes.c_short, ctypes.c_int
)
_event_bend = _c("fluid_event_pitch_bend", ctypes.c_void_p, ctypes.c_int, ctypes.c_int)
_event_select = _c(
    "fluid_event_program_select",
    ctypes.c_void_p,
    ctypes.c_int,
    ctypes.c_uint,
    ctypes.c_short,
    ctypes.c_short,
)
_event_all_notes_off = _c("fluid_event_all_notes_off", ctypes.c_void_p, ctypes.c_int)
_remove_events = _c(
    "fluid_sequencer_remove_events", ctypes.c_void_p, ctypes.c_short, ctypes.c_short, ctypes.c_int
)
_synth_all_sounds_off = _c("fluid_synth_all_sounds_off", ctypes.c_void_p, ctypes.c_int)


def audio_driver(configured: str | None = None) -> str | None:
    """The driver asked for: the player's setting, else $TRACKER_AUDIO_DRIVER, else
    None (Synth.start_output then tries pulseaudio, pipewire, jack, alsa in turn)."""
    return configured or os.environ.get(DRIVER_ENV, "").strip() or None


def sequencer_tick(frame: int, rate: float) -> int:
    """What FluidSynth's sequencer reads as 'now' in the block starting at `frame`:
    the frame rounded down to a whole millisecond, in frames (same float steps as C)."""
    ms = int(1000.0 * frame / rate)
    return int(ms * rate / 1000.0)


def tick_for_frame(frame: int, rate: float) -> int:
    """The sequencer time that makes an event sound from the first block at or after `frame`."""
    block = -(-frame // BLOCK) * BLOCK
    return max(0, sequencer_tick(block - BLOCK, rate))


@dataclass(frozen=True)
class FrameClock:
    """Wall nanoseconds -> synth frames: `frame` happens at `wall_ns`."""

    wall_ns: int
    frame: int
    rate: int

    def frame_at(self, wall_ns: int) -> int:
        return self.frame + (wall_ns - self.wall_ns) * self.rate // 1_000_000_000


class LiveOutput(Protocol):
    """What the player plays soundfont events through: a LiveSynth (FluidSynth's own
    driver), or the player's audio process (tracker.player.audio_link), which renders
    with the bounce's block renderer for the stream and the capture."""

    patches: dict[int, Patch]

    def set_patches(self, patches: Mapping[int, Patch]) -> list[str]: ...
    def resync_if_drifted(self, now_ns: int) -> bool: ...
    def started(self, wall_ns: int) -> None: ...
    def play(self, wall_ns: int, event: Event) -> None: ...
    def release(
        self, wall_ns: int | None = None, keep: Collection[tuple[int, int, int]] = ()
    ) -> None: ...
    def silence_track(self, track: int) -> None: ...
    def panic(self) -> None: ...
    def news(self) -> str | None: ...
    def close(self) -> None: ...


class LiveSynth:
    """A Synth with an audio driver and a sequencer on its sample clock.

    Every method is called from the player's one loop; FluidSynth's audio thread
    only reads the sequencer queue (which FluidSynth locks).
    """

    def __init__(self, soundfont: Path, settings: SynthSettings | None = None) -> None:
        self.synth = Synth(soundfont, settings)
        self.rate = self.synth.settings.rate
        # The sequencer must exist before the first frame is rendered: its clock
        # and the synth's then both start at frame 0 (see tick_for_frame).
        self._fluid = self.synth._fs  # the pyfluidsynth object: its handle feeds the sequencer
        self._seq: int | None = fluidsynth.new_fluid_sequencer2(0)
        fluidsynth.fluid_sequencer_set_time_scale(self._seq, float(self.rate))
        self._dest = int(
            fluidsynth.fluid_sequencer_register_fluidsynth(self._seq, self._fluid.synth)
        )
        if self._dest < 0:
            self.synth.close()
            raise AudioError("FluidSynth's sequencer could not be attached to the synth")
        self._event = fluidsynth.new_fluid_event()
        fluidsynth.fluid_event_set_dest(self._event, self._dest)
        self.driver: str | None = None
        self.clock = FrameClock(0, 0, self.rate)
        self.patches: dict[int, Patch] = {}
        self._fonts: dict[Path, int] = {}
        self._held: dict[int, int] = {}
        """channel -> instrument whose patch the channel holds (as scheduled)."""
        self._played: dict[int, set[tuple[int, int]]] = {}
        """track -> (channel, note) pairs it started since the last release."""
        self._channels: set[int] = set()
        self._ordered = (-1, 0)
        """(tick, ticks used before it) by ordered sequences queued for that tick."""

    # -- output --------------------------------------------------------------------

    def start(
        self, driver: str | None = None, device: str | None = None, file: Path | None = None
    ) -> str:
        """Open the audio driver; returns its name. AudioError when none opens.

        `file` (with driver "file") makes FluidSynth write the output to a WAV
        file in real time: the tests listen through it.
        """
        if file is not None:
            self._fluid.setting("audio.file.name", str(file))
        self.driver = self.synth.start_output(driver, device)
        self.resync(time.perf_counter_ns())
        return self.driver

    def now_frame(self) -> int:
        """About where the audio thread is (to the millisecond it last told)."""
        return int(fluidsynth.fluid_sequencer_get_tick(self._seq)) + BLOCK

    def resync(self, now_ns: int) -> None:
        """Tie wall time to the audio clock afresh (at a start, never mid-stream)."""
        self.clock = FrameClock(now_ns, self.now_frame() + MARGIN_FRAMES, self.rate)

    def resync_if_drifted(self, now_ns: int) -> bool:
        """At a fresh start: follow the sound card's clock when it has drifted from ours."""
        expected = self.clock.frame_at(now_ns) - MARGIN_FRAMES
        if abs(self.now_frame() - expected) <= DRIFT_LIMIT_FRAMES:
            return False
        self.resync(now_ns)
        return True

    def started(self, wall_ns: int) -> None:
        """A fresh start at `wall_ns`: the sequencer needs no word of it."""

    def news(self) -> str | None:
        """Nothing new to say after the start (the driver's name is said then)."""
        return None

    # -- instruments ------------------------------------------------------------------

    def set_patches(self, patches: Mapping[int, Patch]) -> list[str]:
        """The song's instruments (instrument number -> patch). Loads their fonts now,
        before playback starts; returns problems to report (a font that failed)."""
        problems: list[str] = []
        self.patches = {}
        for number, patch in patches.items():
            try:
                self._fonts[patch.font] = self.synth.load(patch.font)
            except TrackerError as error:  # a broken font: say so, the rest plays on
                problems.append(error.message)
                continue
            self.patches[number] = patch
        self._held.clear()
        return problems

    def _preset(self, sfid: int, bank: int, program: int) -> tuple[int, int]:
        """The (bank, program) to select: the font's own, else Synth.select's fallback."""
        for b, p in ((bank, program), (128 if bank == 128 else 0, 0 if bank == 128 else program)):
            if self._fluid.sfpreset_name(sfid, b, p) is not None:
                return b, p
        return bank, program

    # -- scheduling ---------------------------------------------------------------------

    def _send(self, frame: int, track: int, before: int = 0) -> None:
        """Queue the event for the block `frame` falls in; `before` ticks earlier in
        that block's window keeps it ahead of events at the block's own tick."""
        fluidsynth.fluid_event_set_source(self._event, SOURCE_BASE + track + 1)
        tick = tick_for_frame(frame, self.rate)
        fluidsynth.fluid_sequencer_send_at(self._seq, self._event, max(0, tick - before), 1)

    def _send_in_order(
        self, frame: int, track: int, ch: int, controls: list[tuple[int, int]]
    ) -> None:
        """Controllers whose order matters (an NRPN's 99, 98, then data): FluidSynth's
        sequencer runs events of one tick in no set order (a heap), so each goes a
        tick before the next, all inside the window of ticks its block dispatches
        (a millisecond or more), so they still sound from the same block. Another
        sequence for the same block goes before this one."""
        tick = tick_for_frame(frame, self.rate)
        used = self._ordered[1] if self._ordered[0] == tick else 0
        self._ordered = (tick, used + len(controls))
        for index, (controller, value) in enumerate(controls):
            _event_cc(self._event, ch, controller, value)
            self._send(frame, track, used + len(controls) - 1 - index)

    def _select(
        self, frame: int, track: int, channel: int, patch: Patch, bank: int, program: int
    ) -> None:
        sfid = self._fonts[patch.font]
        bank, program = self._preset(sfid, bank, program)
        _event_select(self._event, channel, sfid, bank, program)
        self._send(frame, track)

    def play(self, wall_ns: int, event: Event) -> None:
        """Schedule one timeline event at the frame its deadline maps to."""
        frame = self.clock.frame_at(wall_ns)
        ch, kind, track = event.channel, event.kind, event.track
        patch = self.patches.get(event.instrument) if event.instrument is not None else None
        if event.instrument is not None and patch is None:
            return  # an instrument whose font failed to load stays silent
        if kind is Kind.PROGRAM:
            if patch is not None:
                self._held[ch] = event.instrument or 0
                if patch.fixed:
                    self._select(frame, track, ch, patch, patch.bank, patch.program)
                else:
                    self._select(frame, track, ch, patch, event.b, event.a)
            return
        if kind is Kind.NOTE_ON:
            if patch is not None and self._held.get(ch) != event.instrument:
                self._held[ch] = event.instrument or 0
                self._select(frame, track, ch, patch, patch.bank, patch.program)
            fluidsynth.fluid_event_noteon(self._event, ch, event.a, event.b)
            self._played.setdefault(track, set()).add((ch, event.a))
        elif kind is Kind.NOTE_OFF:
            fluidsynth.fluid_event_noteoff(self._event, ch, event.a)
        elif kind is Kind.CONTROL:
            if event.a > 0x7F:  # a 14-bit lane: FluidSynth takes its 7-bit view
                self._send_in_order(frame, track, ch, soundfont_controls(event.a, event.b))
                self._channels.add(ch)
                return
            _event_cc(self._event, ch, event.a, event.b)
        elif kind is Kind.PITCH_BEND:
            _event_bend(self._event, ch, max(0, min(16383, event.a + 8192)))
        else:
            return  # tempo moves the deadlines, not the synth
        self._channels.add(ch)
        self._send(frame, track)

    # -- silence ------------------------------------------------------------------------

    def cancel(self, track: int = ALL_TRACKS) -> None:
        """Take back events scheduled but not yet played: all, or one track's."""
        source = -1 if track == ALL_TRACKS else SOURCE_BASE + track + 1
        _remove_events(self._seq, source, self._dest, -1)

    def release(
        self, wall_ns: int | None = None, keep: Collection[tuple[int, int, int]] = ()
    ) -> None:
        """Everything stops sounding: queued events dropped, then all notes off
        (CC 123) on every channel used, now or at the frame of `wall_ns`.

        `keep` names notes that ring on, as (track, channel, note): the rest of
        their channels' notes get single note-offs instead of CC 123.
        """
        self.cancel()
        if keep:
            self._release_all_but(wall_ns, keep)
            return
        channels, self._channels = sorted(self._channels), set()
        self._played.clear()
        if wall_ns is None:
            for ch in channels:
                self._fluid.cc(ch, 123, 0)
            return
        frame = self.clock.frame_at(wall_ns)
        for ch in channels:
            _event_all_notes_off(self._event, ch)
            self._send(frame, ALL_TRACKS)

    def _release_all_but(self, wall_ns: int | None, keep: Collection[tuple[int, int, int]]) -> None:
        frame = self.clock.frame_at(wall_ns) if wall_ns is not None else None
        for track, notes in self._played.items():
            for ch, note in sorted(notes):
                if (track, ch, note) in keep:
                    continue
                notes.discard((ch, note))
                if frame is None:
                    self._fluid.noteoff(ch, note)
                else:
                    fluidsynth.fluid_event_noteoff(self._event, ch, note)
                    self._send(frame, track)

    def silence_track(self, track: int) -> None:
        """A muted track: its queued events dropped, its notes released now."""
        self.cancel(track)
        for ch, note in sorted(self._played.pop(track, set())):
            self._fluid.noteoff(ch, note)

    def panic(self) -> None:
        self.cancel()
        self._channels.clear()
        self._played.clear()
        self.synth.all_notes_off()
        _synth_all_sounds_off(self._fluid.synth, -1)

    def active_voices(self) -> int:
        return self.synth.active_voices()

    def close(self) -> None:
        """Stop the audio first (the driver's thread reads the sequencer), then free."""
        if self._seq is None:
            return
        self.synth.stop_output()
        fluidsynth.delete_fluid_event(self._event)
        fluidsynth.delete_fluid_sequencer(self._seq)
        self._seq = None
        self.synth.close()
