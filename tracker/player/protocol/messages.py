"""The messages, player -> UI: ready, the playhead, the status with its structured
notices, the meters, notes and controllers from the MIDI input, why playback stopped,
the send log, and what failed or was refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tracker.midi.names import PortState
from tracker.player.link import LinkState

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
