"""What the UI and the player process say to each other: the player's
configuration, the commands (UI -> player) and the messages (player -> UI).

Every command and message is a small frozen dataclass, pickled between our own two
processes (never for anything stored). Nothing here starts a process: the UI side
is handle.py, the process side process.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tracker.engine.events import Timeline
from tracker.midi.names import OUT_PORT, PortState
from tracker.player.audio_out import AudioOut
from tracker.player.link import LinkConfig, LinkState
from tracker.song.model import Song

# ---------------------------------------------------------------- configuration


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


# ---------------------------------------------------------------- commands (UI -> player)


@dataclass(frozen=True)
class Play:
    """Play a song (compiled in the player) or a ready timeline.

    `end_order` is exclusive; `loop` repeats the range played: the whole song, one
    pattern (`play_pattern`) or an order range (`loop_orders`).
    """

    song: Song | None = None
    timeline: Timeline | None = None
    start_order: int = 0
    start_line: int = 0
    end_order: int | None = None
    loop: bool = False
    wait_for_clock: bool = False
    """Arm only: start when the followed MIDI clock sends Start (PlayerConfig.clock_in)."""
    song_dir: Path | None = None
    """The song file's folder: soundfont paths in the song are relative to it."""


def play_pattern(song: Song, order: int) -> Play:
    return Play(song=song, start_order=order, end_order=order + 1, loop=True)


def loop_orders(song: Song, first: int, last: int) -> Play:
    """Loop order entries first..last inclusive."""
    return Play(song=song, start_order=first, end_order=last + 1, loop=True)


@dataclass(frozen=True)
class Stop:
    pass


@dataclass(frozen=True)
class SetLink:
    """Join (a config) or leave (None) the Ableton Link session, from the next start."""

    config: LinkConfig | None


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Continue:
    pass


@dataclass(frozen=True)
class Cue:
    """Go to this order entry when the current pattern ends."""

    order: int


@dataclass(frozen=True)
class Jump:
    """Go there now."""

    order: int
    line: int = 0


@dataclass(frozen=True)
class SetTempo:
    """Live tempo, from now on (the song's own tempo changes scale along)."""

    bpm: float


@dataclass(frozen=True)
class UpdateSong:
    """The edited song: applies at the next line boundary."""

    song: Song


@dataclass(frozen=True)
class SetMute:
    track: int
    muted: bool


@dataclass(frozen=True)
class SetThru:
    """Echo MIDI input to this channel (0-15) of this instrument's port (None: default)."""

    channel: int
    instrument: int | None = None


@dataclass(frozen=True)
class Preview:
    """Sound one note now, playing or stopped, the way the song would play it: on the
    instrument's route (its device's port, the live synth, or the default output) and
    channel, from the song last sent (Play or UpdateSong).

    Its note-off follows after `seconds`, or sooner: at the next preview in the same
    track, and at stop, play, panic or quit.
    """

    track: int
    instrument: int | None
    """None: the song's first instrument."""
    note: int
    velocity: int | None = None
    """None: the instrument's own volume, as a note without one plays in the song."""
    seconds: float = 0.5


@dataclass(frozen=True)
class Panic:
    """All notes off and all sound off on every channel of every port; the synth goes quiet."""


@dataclass(frozen=True)
class RequestLog:
    """Ask for the send log (PlayerConfig.record_sends) and lateness figures."""


@dataclass(frozen=True)
class CaptureAudio:
    """Start writing the soundfont mix as it plays to `path` (.wav or .flac), or stop
    and finish the file (None). Only the audio process (PlayerConfig.audio_out) can."""

    path: Path | None


@dataclass(frozen=True)
class Quit:
    pass


Command = (
    Play
    | SetLink
    | Stop
    | Pause
    | Continue
    | Cue
    | Jump
    | SetTempo
    | UpdateSong
    | SetMute
    | SetThru
    | Preview
    | Panic
    | RequestLog
    | CaptureAudio
    | Quit
)

# ---------------------------------------------------------------- messages (player -> UI)

StopReason = Literal["stop", "end", "pause", "clock", "error"]
"""Why playback stopped: Stop, the song ran out, Pause, the outside clock stopped, or a
command was Refused."""

NoticeKind = Literal[
    "no_midi_system",
    "output_missing",
    "port_error",
    "port_lost",
    "port_back",
    "input_lost",
    "input_back",
    "no_soundfont",
    "no_audio_device",
    "soundfont",
    "stand_in",
    "device",
    "capture",
    "link",
    "sysex",
]
"""What a Notice is about. "no_midi_system": the MIDI system cannot be reached;
"output_missing": no port matches an output's pattern; "port_error": a send or an
open failed; "port_lost"/"port_back", "input_lost"/"input_back": hot-plugs;
"no_soundfont", "no_audio_device": soundfont tracks are silent; "soundfont": a
problem with one instrument's soundfont program; "stand_in": a device instrument
plays its soundfont stand-in; "device": a device file that would not load;
"capture": an audio capture started, ended, or could not; "link": the Ableton Link
session could not be joined; "sysex": an instrument's `.syx` file was refused."""


@dataclass(frozen=True)
class Notice:
    """Something the player has to say (Status.errors): what it is about, for the UI's
    short phrases, and the whole sentence, for the log."""

    kind: NoticeKind
    text: str
    """The whole sentence, with the libraries' own words in it."""
    port: str = ""
    """The port it is about (its label), if any."""
    instrument: str = ""
    """The instrument it is about, `02 "Lead"` ("stand_in")."""


@dataclass(frozen=True)
class Ready:
    realtime: bool
    """True when the player runs under SCHED_FIFO."""
    ports: tuple[tuple[str, PortState], ...]
    audio: str = ""
    """The soundfont synth's state: the driver's name, or why it is silent ("" when off)."""
    listen_url: str = ""
    """Where the live mix is served (PlayerConfig.audio_out), "" when it is not."""


@dataclass(frozen=True)
class Playhead:
    order: int
    line: int
    pattern: str
    bpm: float
    """The tempo heard: the song's, scaled by a live tempo change."""


@dataclass(frozen=True)
class Status:
    playing: bool
    paused: bool
    ports: tuple[tuple[str, PortState], ...]
    sent: int
    late: int
    """Sends more than 1 ms after their deadline."""
    max_late_us: float
    dropped: int
    """Messages not sent because their port was gone."""
    errors: tuple[Notice, ...] = ()
    audio: str = ""
    """As Ready.audio."""
    link: LinkState | None = None
    """The Ableton Link session (peers, tempo) when playing with --link."""


@dataclass(frozen=True)
class Levels:
    """The meters while playing (tracker.player.meters), at most 15 a second and only
    when they changed: one level byte per track (tracker.audio.levels' scale)."""

    tracks: bytes
    """Each track's level, in song order: its audio, or its note activity."""
    master: int | None = None
    """The live mix's level (None: no live mix is rendered to measure)."""
    clip: bool = False
    """The mix reached full scale since the last Levels."""


@dataclass(frozen=True)
class Recorded:
    """A note from MIDI input. While playing, `order`/`line` is the nearest line
    (`offset` in lines from it, -0.5..0.5); stopped, they are None (step record)."""

    note: int
    velocity: int
    """0 for a note-off."""
    channel: int
    order: int | None
    line: int | None
    offset: float = 0.0


@dataclass(frozen=True)
class ControlIn:
    """A controller moved on the MIDI input (a knob, a fader): for MIDI learn and for
    recording into learned CC lanes. While playing, `order`/`line` is the nearest line
    (as for Recorded); stopped, they are None."""

    controller: int
    value: int
    channel: int
    order: int | None
    line: int | None


@dataclass(frozen=True)
class Stopped:
    reason: StopReason


@dataclass(frozen=True)
class SendLog:
    lateness_ns: tuple[int, ...]
    entries: tuple[tuple[int, int, str, bytes], ...]
    """(sent ns, deadline ns, port key, bytes) when PlayerConfig.record_sends."""


@dataclass(frozen=True)
class PlayerFailed:
    """The player process is gone, or going: why."""

    message: str


@dataclass(frozen=True)
class Refused:
    """A command the player could not carry out (a song that does not compile): it
    stopped playing, and runs on for the next command."""

    message: str


Message = (
    Ready
    | Playhead
    | Status
    | Levels
    | Recorded
    | ControlIn
    | Stopped
    | SendLog
    | PlayerFailed
    | Refused
)
