"""The commands, UI -> player: the transport (play, stop, pause, continue, cue, jump,
tempo, Ableton Link), the edited song, mutes, MIDI thru, note previews, panic, the send
log, audio capture and quitting."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from tracker.engine.events import Timeline
from tracker.player.link import LinkConfig
from tracker.song.model import Pattern, Song


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
class SongChanges:
    """The edited song: `outline` with no patterns, the patterns new or changed
    since the song last sent (Play, UpdateSong or SongChanges), and every pattern's
    name in the song's order. Applies as UpdateSong does. A whole big song decodes
    in the player in one 42 ms call (64 tracks x 200 patterns); these, in a fraction
    of a millisecond (changes.py finds them)."""

    outline: Song
    changed: dict[str, Pattern]
    names: tuple[str, ...]

    def applied_to(self, last: Song | None) -> Song | None:
        """The edited song, from the song last sent; None when there was none, or it
        lacks a pattern these changes keep (the two sides no longer agree)."""
        if last is None:
            return None
        patterns: dict[str, Pattern] = {}
        for name in self.names:
            if name in self.changed:
                patterns[name] = self.changed[name]
            elif name in last.patterns:
                patterns[name] = last.patterns[name]
            else:
                return None
        return replace(self.outline, patterns=patterns)


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
    | SongChanges
    | SetMute
    | SetThru
    | Preview
    | Panic
    | RequestLog
    | CaptureAudio
    | Quit
)
