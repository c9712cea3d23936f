"""FluidSynth, the one way the tracker turns events into sound.

Offline (the bounce) a Synth has no audio driver: the caller pulls frames with
`render`, splitting reads at event times. FluidSynth works in 64-frame blocks,
so an event sent between reads takes effect at the next 64-frame boundary,
however the reads are split; large reads are only faster, never less exact.

Live (the player) `start_output` opens an audio driver that pulls frames
itself; on a machine without a sound card it fails with an AudioError that
says so, and the tracker carries on silent.

Frames come out as float32 through `fluid_synth_write_float` (pyfluidsynth's
`get_samples` gives dithered int16 at the same speed): the bounce quantises
once, when it writes the file. With `groups` > 1 the synth has that many
stereo outputs, each with its own reverb and chorus (FluidSynth's audio and
effects groups): MIDI channel c plays into output c % groups, and
`render_groups` reads them all at once through `fluid_synth_process`.
"""

from __future__ import annotations

import ctypes
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt

from tracker.audio.fluid import fluidsynth
from tracker.audio.soundfonts import check_soundfont
from tracker.engine.events import Event, Kind
from tracker.errors import AudioError, SoundfontError
from tracker.instruments.model import DRUM_BANK
from tracker.lanes import soundfont_controls

Frames = npt.NDArray[np.float32]
"""Audio as (frames, 2) float32, left and right, full scale = 1.0."""

BLOCK = 64
"""FluidSynth's internal block: events land on multiples of this many frames."""
GROUP_READ = 8192
"""The most frames `render_groups` reads at once (its buffer is reused)."""

LIVE_DRIVERS = ("pulseaudio", "pipewire", "jack", "alsa")
"""Tried in this order when no driver is named (only those this FluidSynth build has)."""

_write_float = fluidsynth._fl.fluid_synth_write_float
_write_float.argtypes = [
    ctypes.c_void_p,
    ctypes.c_int,
    ctypes.c_void_p,
    ctypes.c_int,
    ctypes.c_int,
    ctypes.c_void_p,
    ctypes.c_int,
    ctypes.c_int,
]
_write_float.restype = ctypes.c_int

_process = fluidsynth._fl.fluid_synth_process
_process.argtypes = [
    ctypes.c_void_p,
    ctypes.c_int,
    ctypes.c_int,
    ctypes.POINTER(ctypes.c_void_p),
    ctypes.c_int,
    ctypes.POINTER(ctypes.c_void_p),
]
_process.restype = ctypes.c_int

_set_channel_type = fluidsynth._fl.fluid_synth_set_channel_type
_set_channel_type.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
_set_channel_type.restype = ctypes.c_int
_MELODIC, _DRUM = 0, 1
"""fluid_midi_channel_type: CHANNEL_TYPE_MELODIC, CHANNEL_TYPE_DRUM."""

_CREATE_LOCK = threading.Lock()
"""Synths are made one at a time. The first new_fluid_synth in a process writes
FluidSynth's default modulators (velocity to attenuation and filter, CC 7, 10, 11,
91, 93, pitch bend: fluid_synth_init, FluidSynth 2.3 and still upstream) after
flagging them done, without a lock: a synth made meanwhile in another thread
copies them half-written and plays every note differently (FluidSynth warns
"Modulator with source 1 none"). The bounce's two passes make theirs at once;
making takes milliseconds, rendering still runs side by side."""

_all_sounds_off = fluidsynth._fl.fluid_synth_all_sounds_off
_all_sounds_off.argtypes = [ctypes.c_void_p, ctypes.c_int]
_all_sounds_off.restype = None  # as tracker.audio.live declares it: one foreign function

MAX_CHANNELS = 256
"""FluidSynth's limit for synth.midi-channels."""
MAX_GROUPS = 128
"""FluidSynth's limit for synth.audio-groups and synth.effects-groups."""


@dataclass(frozen=True)
class SynthSettings:
    """The synth's sound-shaping settings.

    The defaults are FluidSynth's own, which the `fluidsynth` command line also
    uses (checked with its `settings` shell command, FluidSynth 2.3): so a
    render here and `fluidsynth -F` with no `-o` options can be compared.
    """

    rate: int = 44100
    gain: float = 0.2
    """Master gain; 0.2 leaves headroom for many voices."""
    reverb: bool = True
    reverb_level: float = 0.9
    chorus: bool = True
    chorus_level: float = 2.0
    polyphony: int = 256
    channels: int = 16
    """MIDI channels (a multiple of 16, at most 256)."""
    groups: int = 1
    """Stereo outputs, each with its own reverb and chorus (at most 128):
    channel c plays into output c % groups."""


class Synth:
    """One FluidSynth instance with its soundfonts loaded.

    Not thread-safe beyond what FluidSynth itself guarantees: one thread uses
    one Synth (the bounce renders its mix and stems passes in two threads, a
    Synth each).
    """

    def __init__(self, soundfont: Path, settings: SynthSettings | None = None) -> None:
        self.settings = settings or SynthSettings()
        s = self.settings
        with _CREATE_LOCK:
            self._fs = fluidsynth.Synth(
                gain=s.gain,
                samplerate=s.rate,
                channels=s.channels,
                **{
                    "synth.reverb.active": int(s.reverb),
                    "synth.reverb.level": float(s.reverb_level),
                    "synth.chorus.active": int(s.chorus),
                    "synth.chorus.level": float(s.chorus_level),
                    "synth.polyphony": int(s.polyphony),
                    "synth.audio-groups": int(s.groups),
                    "synth.audio-channels": int(s.groups),
                    "synth.effects-groups": int(s.groups),
                },
            )
        self._driver: int | None = None
        self._outputs: tuple[npt.NDArray[np.float32], Any, Any] | None = None
        self._fonts: dict[Path, int] = {}
        self._channel_font: dict[int, int] = {}
        self.warnings: list[str] = []
        """Things a musician should hear about (a missing preset), collected, not printed."""
        self.default_font = self.load(soundfont)

    # -- soundfonts and programs ------------------------------------------------

    def load(self, soundfont: Path) -> int:
        """Load a soundfont once and return its id; SoundfontError names the file."""
        path = Path(soundfont)
        if path in self._fonts:
            return self._fonts[path]
        check_soundfont(path)
        with _c_stderr_captured() as said:
            sfid = int(self._fs.sfload(str(path)))
        if sfid < 0:
            why = f" ({_last_fluid_error(said)})" if said else ""
            raise SoundfontError(f"cannot load soundfont {path}: not a valid .sf2/.sf3 file{why}")
        self._fonts[path] = sfid
        return sfid

    def select(
        self,
        channel: int,
        program: int,
        bank: int = 0,
        font: Path | None = None,
        *,
        shown: int | None = None,
    ) -> None:
        """Put a program on a channel; falls back to bank 0 when the font lacks the bank.

        `shown` is the MIDI channel (0-15) the song uses, named in warnings
        when the synth channel is a remapped one."""
        sfid = self.load(font) if font is not None else self._channel_font.get(channel)
        if sfid is None:
            sfid = self.default_font
        self._channel_font[channel] = sfid
        if self._fs.program_select(channel, sfid, bank, program) == 0:
            return
        fallback_bank = 128 if bank == 128 else 0
        fallback_program = 0 if bank == 128 else program
        said = (channel if shown is None else shown) + 1
        if self._fs.program_select(channel, sfid, fallback_bank, fallback_program) == 0:
            self.warnings.append(
                f"soundfont has no program {program} in bank {bank}: "
                f"channel {said} plays bank {fallback_bank} program {fallback_program}"
            )
        else:
            self.warnings.append(
                f"soundfont has no program {program} in bank {bank}: channel {said} is silent"
            )

    def reset_channel(self, channel: int, *, drum: bool) -> None:
        """Make a channel start as FluidSynth starts MIDI channel 10 (drum type: bank
        128, and its voices the last to be stolen, fluid_voice.c) or any other (bank 0),
        program 0: a remapped channel then behaves as the song's own channel would."""
        _set_channel_type(self._fs.synth, channel, _DRUM if drum else _MELODIC)
        self._channel_font[channel] = self.default_font
        self._fs.program_select(channel, self.default_font, DRUM_BANK if drum else 0, 0)

    # -- events -----------------------------------------------------------------

    def send(self, event: Event, channel: int | None = None) -> None:
        """Apply one timeline event now (it sounds from the next 64-frame block), on
        its own channel or on `channel`."""
        kind = event.kind
        ch = event.channel if channel is None else channel
        if kind is Kind.NOTE_ON:
            self._fs.noteon(ch, event.a, event.b)
        elif kind is Kind.NOTE_OFF:
            self._fs.noteoff(ch, event.a)
        elif kind is Kind.CONTROL:
            if event.a > 0x7F:  # a 14-bit lane: FluidSynth takes its 7-bit view
                for controller, value in soundfont_controls(event.a, event.b):
                    self._fs.cc(ch, controller, value)
            else:
                self._fs.cc(ch, event.a, event.b)
        elif kind is Kind.PITCH_BEND:
            self._fs.pitch_bend(ch, event.a)
        elif kind is Kind.PROGRAM:
            self.select(ch, event.a, event.b, shown=event.channel)
        # TEMPO changes the timeline's clock, not the synth.

    def all_notes_off(self) -> None:
        """Release every sounding note on every channel (CC 123 everywhere)."""
        for ch in range(self.settings.channels):
            self._fs.cc(ch, 123, 0)

    def all_sounds_off(self) -> None:
        """Silence every voice at once, release and reverb tails cut (a panic)."""
        _all_sounds_off(self._fs.synth, -1)

    def active_voices(self) -> int:
        return int(self._fs.get_active_voice_count())

    # -- offline rendering --------------------------------------------------------

    def render(self, frames: int) -> Frames:
        """The next `frames` frames as a new (frames, 2) float32 array."""
        out = np.empty((frames, 2), dtype=np.float32)
        self.render_into(out)
        return out

    def render_into(self, out: Frames) -> None:
        """Fill a C-contiguous (n, 2) float32 array (or a row slice of one) in place."""
        if out.dtype != np.float32 or out.ndim != 2 or out.shape[1] != 2:
            raise ValueError("render_into needs a (frames, 2) float32 array")
        if not out.flags.c_contiguous:
            raise ValueError("render_into needs a C-contiguous array")
        n = out.shape[0]
        if n == 0:
            return
        ptr = out.ctypes.data
        # Left at offset 0, right at offset 1, both with a stride of 2 floats.
        if _write_float(self._fs.synth, n, ptr, 0, 2, ptr, 1, 2) != 0:
            raise AudioError("FluidSynth failed to render audio")

    def render_groups(self, frames: int) -> npt.NDArray[np.float32]:
        """The next `frames` frames (at most GROUP_READ) of every output group, as a
        (groups, 2, frames) view of a buffer reused by the next call.

        Each group holds its dry voices plus its own reverb and chorus, so the
        groups sum to what a one-output synth would give.
        """
        if not 0 <= frames <= GROUP_READ:
            raise ValueError(f"render_groups reads 0 to {GROUP_READ} frames at a time")
        buffer, fx, out = self._group_outputs()
        buffer[:, :, :frames] = 0.0  # fluid_synth_process adds into the buffers
        groups = self.settings.groups
        if frames and _process(self._fs.synth, frames, 4 * groups, fx, 2 * groups, out) != 0:
            raise AudioError("FluidSynth failed to render audio")
        return buffer[:, :, :frames]

    def _group_outputs(self) -> tuple[npt.NDArray[np.float32], Any, Any]:
        """The planar buffer and fluid_synth_process's pointer arrays, made once:
        group g's dry left/right are out[2g], out[2g+1]; its reverb and chorus
        (fx[4g..4g+3], left/right each) are mixed into the same two buffers."""
        if self._outputs is None:
            groups = self.settings.groups
            buffer = np.zeros((groups, 2, GROUP_READ), dtype=np.float32)
            rows = [buffer[g, side].ctypes.data for g in range(groups) for side in (0, 1)]
            out = (ctypes.c_void_p * (2 * groups))(*rows)
            fx_rows = [rows[2 * g + side] for g in range(groups) for _ in (0, 1) for side in (0, 1)]
            fx = (ctypes.c_void_p * (4 * groups))(*fx_rows)
            self._outputs = (buffer, fx, out)
        return self._outputs

    # -- live output --------------------------------------------------------------

    def start_output(self, driver: str | None = None, device: str | None = None) -> str:
        """Open an audio driver that plays this synth; returns the driver's name.

        Without `driver`, tries LIVE_DRIVERS in order. Raises AudioError("no
        audio device ...") when none opens. A JACK server is never started
        behind the user's back (JACK_NO_START_SERVER), only joined.
        """
        if self._driver is not None:
            return str(self._fs.get_setting("audio.driver"))
        os.environ.setdefault("JACK_NO_START_SERVER", "1")
        # On JACK, our outputs go to the system playback ports, so a user hears the
        # song without patching (FluidSynth leaves them unconnected by default).
        self._fs.setting("audio.jack.autoconnect", 1)
        candidates = (driver,) if driver else LIVE_DRIVERS
        reasons: list[str] = []
        for name in candidates:
            self._fs.setting("audio.driver", name)
            if device:
                self._fs.setting(f"audio.{name}.device", device)
            with _c_stderr_captured() as said:
                handle = fluidsynth.new_fluid_audio_driver(self._fs.settings, self._fs.synth)
            if handle:
                self._driver = int(handle)
                return name
            reasons.append(f"{name}: {_last_fluid_error(said)}")
        tried = "; ".join(reasons)
        raise AudioError(f"no audio device could be opened, the tracker stays silent ({tried})")

    def stop_output(self) -> None:
        if self._driver is not None:
            fluidsynth.delete_fluid_audio_driver(self._driver)
            self._driver = None

    @property
    def is_live(self) -> bool:
        return self._driver is not None

    # -- lifetime -------------------------------------------------------------------

    def close(self) -> None:
        """Stop output and free the synth; safe to call twice."""
        if getattr(self, "_fs", None) is None:
            return
        self.stop_output()
        fs, self._fs = self._fs, None
        fluidsynth.delete_fluid_synth(fs.synth)
        fluidsynth.delete_fluid_settings(fs.settings)

    def __enter__(self) -> Synth:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _last_fluid_error(said: list[str]) -> str:
    """FluidSynth's own last error line, without its prefix, for our message."""
    errors = [line.split("error:", 1)[1].strip() for line in said if "error:" in line]
    if errors:
        return errors[-1]
    return said[-1] if said else "failed"


_STDERR_LOCK = threading.Lock()
"""File descriptor 2 belongs to the whole process: one capture at a time (the
bounce makes synths in two threads)."""


@contextmanager
def _c_stderr_captured() -> Iterator[list[str]]:
    """Catch what the C libraries print on file descriptor 2 (FluidSynth, ALSA,
    JACK), so it never lands on the terminal UI and can go into our message.

    The list yielded fills in when the block ends.
    """
    said: list[str] = []
    with _STDERR_LOCK, tempfile.TemporaryFile() as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield said
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            text = sink.read().decode("utf-8", "replace")
            said.extend(line for line in text.splitlines() if line.strip())
