"""`tracker play SONG`: headless playback to MIDI ports, with a one-line live status.

The CLI above the player. Ctrl+C, SIGTERM and SIGHUP stop cleanly: the
player sends every owed note-off and all-notes-off before the process leaves.
It draws its own status line (carriage return, erase to the end of the line), so
the names in it (ports, the audio device, the player's errors) go through `visible`
here, line by line.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import TextIO
from urllib.parse import urlsplit

from tracker.errors import AudioError, MidiPortError, TrackerError
from tracker.listen.address import ListenAddress
from tracker.player.audio_out import audio_out_for
from tracker.player.handle import PlayerHandle
from tracker.player.link import LinkConfig
from tracker.player.protocol import (
    OWN_OUTPUT,
    Play,
    PlayerConfig,
    PlayerFailed,
    Playhead,
    PortSpec,
    Refused,
    Status,
    Stopped,
)
from tracker.song.storage import load_song
from tracker.text import visible

STATUS_EVERY_S = 0.1


class _Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise _Interrupted(signum)


def status_line(head: Playhead | None, status: Status | None) -> str:
    """`order 02 line 1F  124.0 bpm  sent 812  late 0 (max 0.1 ms)  port: open`"""
    parts = []
    if head is not None:
        parts.append(f"order {head.order:02X} line {head.line:02X}  {head.bpm:.1f} bpm")
    if status is not None:
        parts.append(
            f"sent {status.sent}  late {status.late} (max {status.max_late_us / 1000:.1f} ms)"
        )
        parts.append("  ".join(f"{name}: {state}" for name, state in status.ports))
        if status.audio:
            parts.append(f"audio: {status.audio}")
        if status.dropped:
            parts.append(f"dropped {status.dropped}")
        if status.link is not None:
            peers = status.link.peers
            parts.append(
                f"link: {peers} peer{'s' if peers != 1 else ''}, {status.link.bpm:.1f} bpm"
            )
    return visible("  ".join(parts))


def _say(out: TextIO, text: str) -> None:
    """One line of news that may name a port, a device or a song's instrument."""
    out.write(visible(text) + "\n")


def play_command(
    song: str | Path,
    *,
    port: str | None = None,
    loop: bool = False,
    from_order: int = 0,
    clock_out: str | None = None,
    clock_in: str | None = None,
    link: bool = False,
    link_start_stop: bool = False,
    out: TextIO | None = None,
    realtime: bool = True,
    to_order: int | None = None,
    listen: ListenAddress | None = None,
    record_audio: Path | None = None,
    listen_fallback: bool = False,
) -> int:
    """Play a song file to MIDI until it ends (or forever with `loop`); 0 on success.

    `to_order`: stop after that order entry, as `tracker render --to`. `listen`: serve
    the live mix over HTTP; `record_audio`: capture it to a .wav or .flac file;
    `listen_fallback`: hardware-device tracks go into both through their soundfont
    stand-in (without it they sound only on their MIDI port)."""
    out = out or sys.stdout
    loaded = load_song(song)
    count = len(loaded.order)
    if not 0 <= from_order < count:
        raise TrackerError(f"--from {from_order}: the song has order entries 0 to {count - 1}")
    if to_order is not None and not from_order <= to_order < count:
        raise TrackerError(
            f"--to {to_order}: expected an order entry from {from_order} to {count - 1}"
        )
    audio_out = audio_out_for(loaded.title, listen, record_audio, fallback=listen_fallback)
    config = PlayerConfig(
        output=PortSpec(port) if port else OWN_OUTPUT,
        clock_out=PortSpec(clock_out) if clock_out else None,
        clock_in=clock_in,
        realtime=realtime,
        audio_out=audio_out,
        link=LinkConfig(start_stop=link_start_stop) if link or link_start_stop else None,
    )
    previous = {
        sig: signal.signal(sig, _interrupt)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    player = PlayerHandle(config)
    try:
        ready = player.start()
        states = dict(ready.ports)
        missing = [name for name, state in ready.ports if state != "open"]
        if port and missing:
            raise MidiPortError(f'no MIDI output matches "{port}" (see `tracker ports`)')
        if missing and audio_out is None:
            raise MidiPortError(
                "cannot open a MIDI port: no ALSA sequencer here and no JACK server running"
            )
        if missing:
            _say(out, "no MIDI system here: MIDI tracks are silent, soundfont tracks play")
        if ready.listen_url:
            _say_listening(out, ready.listen_url)
        if not port and audio_out is not None:
            midi = "" if missing else f"; MIDI to {next(iter(states))}"
            _say(out, f"soundfont tracks: {ready.audio}{midi}")
        elif not port and ready.audio and not ready.audio.startswith("silent"):
            _say(out, f"soundfont tracks play through {ready.audio}; MIDI to {next(iter(states))}")
        elif not port:
            _say(out, f"playing to {next(iter(states))}: connect it to a synth")
        if clock_in:
            _say(out, f"waiting for MIDI clock Start from {clock_in}")
        player.send(
            Play(
                song=loaded,
                start_order=from_order,
                end_order=None if to_order is None else to_order + 1,
                loop=loop,
                wait_for_clock=bool(clock_in),
                song_dir=Path(song).parent,
            )
        )
        code = _follow(player, out)
    except _Interrupted as interrupted:
        player.stop()
        with contextlib.suppress(TrackerError):
            player.wait_for(Stopped, timeout=2.0)
        out.write("\nstopped\n")
        code = 128 + interrupted.signum  # as the shell reports a signal: 130 for Ctrl+C
    finally:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl+C must not cut the cleanup short
        player.close()  # the audio process writes the capture's tail and the file first
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if record_audio is not None:
        _say_recorded(out, record_audio)
    return code


def _say_listening(out: TextIO, url: str) -> None:
    """The URL, and the line that brings it to a laptop over SSH."""
    parts = urlsplit(url)
    forward = ListenAddress(parts.hostname or "127.0.0.1", parts.port or 80).ssh_forward()
    _say(out, f"listen: {url}")
    _say(out, f"from a laptop: {forward}  then open http://127.0.0.1:{parts.port}/")


def _say_recorded(out: TextIO, path: Path) -> None:
    """After the player (and its audio process) quit: the capture is in place, or not."""
    if not path.is_file():
        raise AudioError(f"the capture was not written to {path}: see the player log")
    import soundfile

    info = soundfile.info(str(path))
    _say(out, f"recorded {path} ({info.duration:.2f} s)")


def _follow(player: PlayerHandle, out: TextIO) -> int:
    head: Playhead | None = None
    status: Status | None = None
    shown = ""
    next_draw = 0.0
    while True:
        for message in player.poll():
            if isinstance(message, Playhead):
                head = message
            elif isinstance(message, Status):
                status = message
                for error in message.errors:
                    out.write("\n")
                    _say(out, error.text)
            elif isinstance(message, PlayerFailed | Refused):
                raise TrackerError(message.message)
            elif isinstance(message, Stopped) and message.reason in ("end", "stop"):
                out.write(f"\r{status_line(head, status)}\nend of song\n")
                return 0
        now = time.monotonic()
        if now >= next_draw:
            next_draw = now + STATUS_EVERY_S
            line = status_line(head, status)
            if line != shown:
                out.write(f"\r{line}\x1b[K" if out.isatty() else f"{line}\n")
                out.flush()
                shown = line
        time.sleep(0.02)
