"""How the player process is set up when it starts: where MIDI goes (ports and their
latency), the live soundfont synth, clock and MIDI input, the audio process and Ableton
Link. The handle sends it once, first thing, to each process it starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tracker.midi.names import OUT_PORT
from tracker.player.audio_out import AudioOut
from tracker.player.link import LinkConfig


@dataclass(frozen=True)
class PortSpec:
    """Where a stream of MIDI goes: a port name pattern (or, with `virtual`, the name
    of a port of our own, `tracker:<match>`), and the device's latency."""

    match: str
    latency_ms: float = 0.0
    """Positive: the device sounds late, so its messages leave earlier."""
    virtual: bool = False


OWN_OUTPUT = PortSpec(OUT_PORT, virtual=True)
"""Our own output, `tracker:out`, that other programs connect to: where MIDI goes
when no port is named."""


@dataclass(frozen=True)
class SynthConfig:
    """The live soundfont synth (tracker/audio/live.py)."""

    driver: str | None = None
    """FluidSynth audio driver; None: $TRACKER_AUDIO_DRIVER, else pulseaudio,
    pipewire, jack, alsa, the first that opens."""
    device: str | None = None
    """The driver's device (e.g. "hw:1" for alsa); None: the system's default."""
    file: Path | None = None
    """With driver "file": the WAV file FluidSynth writes, in real time (tests)."""
    soundfont: Path | None = None
    """Overrides the soundfont search (song setting, $TRACKER_SOUNDFONT, system)."""
    lookahead_ms: float = 80.0
    """Soundfont events go to FluidSynth's sequencer this long before their deadline."""


@dataclass(frozen=True)
class PlayerConfig:
    output: PortSpec = OWN_OUTPUT
    """Where MIDI goes unless an instrument's device has a port of its own."""
    synth: SynthConfig | Literal["auto"] | None = "auto"
    """Soundfont instruments play through FluidSynth live with this; None: every
    track goes to `output` as MIDI. "auto": the synth with the default output,
    none when `output` names a port (`tracker play --port NAME` takes every track)."""
    instrument_ports: dict[int, PortSpec] = field(default_factory=dict)
    clock_out: PortSpec | None = None
    clock_in: str | None = None
    """Pattern of an input to follow (start/stop/continue and tempo)."""
    midi_in: str | None = None
    """Pattern of an input to record from and echo (thru); "virtual" makes `tracker:in`."""
    realtime: bool = True
    """Ask for SCHED_FIFO; playback carries on at normal priority if refused."""
    record_sends: bool = False
    """Keep (sent ns, deadline ns, port, bytes) of every send, for tests and benchmarks."""
    preroll_ms: float = 5.0
    """Gap between a start command and the first event: time to prepare."""
    port_poll_s: float = 1.0
    status_interval_s: float = 0.25
    audio_out: AudioOut | None = None
    """Stream and/or capture the soundfont mix: rendered in an audio process of its own
    (audio_link.py) instead of FluidSynth's driver alone."""
    link: LinkConfig | None = None
    """Join the Ableton Link session on the network: its beat timeline gives the deadlines."""

    @property
    def live_synth(self) -> SynthConfig | None:
        """The synth settings in force, with "auto" decided."""
        if self.synth == "auto":
            return SynthConfig() if self.output.virtual else None
        return self.synth
