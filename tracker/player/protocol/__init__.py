"""What the UI and the player process say to each other: the player's
configuration, the commands (UI -> player) and the messages (player -> UI).

Every command and message is a small frozen dataclass, pickled between our own two
processes (never for anything stored). Nothing here starts a process: the UI side
is handle.py, the process side process.py.

This package is the one place to import the wire format from
(`from tracker.player.protocol import Play`); each part is written in the module of
its direction: `config` (sent once, at the start), `commands` (UI -> player) and
`messages` (player -> UI).
"""

from tracker.player.protocol.changes import ChangeFinder
from tracker.player.protocol.commands import (
    CaptureAudio,
    Command,
    Continue,
    Cue,
    Jump,
    Panic,
    Pause,
    Play,
    Preview,
    Quit,
    RequestLog,
    SetLink,
    SetMute,
    SetTempo,
    SetThru,
    SongChanges,
    Stop,
    UpdateSong,
    loop_orders,
    play_pattern,
)
from tracker.player.protocol.config import OWN_OUTPUT, PlayerConfig, PortSpec, SynthConfig
from tracker.player.protocol.messages import (
    ControlIn,
    Levels,
    Message,
    Notice,
    NoticeKind,
    PlayerFailed,
    Playhead,
    Ready,
    Recorded,
    Refused,
    SendLog,
    Status,
    Stopped,
    StopReason,
)

__all__ = [
    "OWN_OUTPUT",
    "CaptureAudio",
    "ChangeFinder",
    "Command",
    "Continue",
    "ControlIn",
    "Cue",
    "Jump",
    "Levels",
    "Message",
    "Notice",
    "NoticeKind",
    "Panic",
    "Pause",
    "Play",
    "PlayerConfig",
    "PlayerFailed",
    "Playhead",
    "PortSpec",
    "Preview",
    "Quit",
    "Ready",
    "Recorded",
    "Refused",
    "RequestLog",
    "SendLog",
    "SetLink",
    "SetMute",
    "SetTempo",
    "SetThru",
    "SongChanges",
    "Status",
    "Stop",
    "StopReason",
    "Stopped",
    "SynthConfig",
    "UpdateSong",
    "loop_orders",
    "play_pattern",
]
