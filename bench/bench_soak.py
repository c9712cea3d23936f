"""Soak: a long run of dense music at high tempo, played by the player process into a
JACK receiver, while random edits and transport changes arrive the way a busy
musician makes them (new songs, play, stop, loop, jump, cue, mute, tempo).

At 999 bpm and 8 lines per beat a line lasts 7.5 ms, so four minutes hold as many
lines as an hour of a 125 bpm song at 4 lines per beat: the hour of music, accelerated.

What it checks, at the end:
- stuck notes, counted at the receiver: no key whose last message is a note-on (CC 123
  must also arrive on every channel after its last note-on, but does not count as the
  note-off); and, reported, note-ons stacked on a key already sounding (note_keys);
- drift: a steady last phase (the unedited song, looped, no commands) whose note-ons
  of the metronome track (one per line) are fitted against the ideal line grid at the
  receiver: the residual's change from the first lines to the last is the drift; and the
  player's own send lateness, from its status reports and its send log;
- memory: the player process's resident size (/proc/PID/status VmRSS), sampled through
  the run: start, end, max.

The music and its random edits are in bench/soak_music.py, the measuring of what was
heard in bench/soak_measure.py; this module is the run.

`python -m bench.bench_soak [SECONDS]` runs it alone; `run()` is what `make bench` calls.
`soak()` is also the body of tests/player/test_soak.py (the short version).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from bench.soak_measure import (
    NOTE_ON,
    grid_drift_ms,
    grid_lines_slipped,
    note_keys,
    player_pid,
    rss_kib,
    stuck_notes,
)
from bench.soak_music import BPM, LPB, TRACKS, random_command, soak_song
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import (
    Play,
    PlayerConfig,
    PlayerFailed,
    PortSpec,
    RequestLog,
    SendLog,
    SetMute,
    SetTempo,
    Status,
    Stop,
    Stopped,
    UpdateSong,
)
from tracker.song.edit import History

STEADY_SHARE = 0.15
"""The last part of the run plays without commands, for the drift fit."""
RSS_EVERY_S = 0.5


@dataclass
class SoakResult:
    seconds: float
    commands: int
    edits: int
    sent: int = 0
    late: int = 0
    max_late_ms: float = 0.0
    dropped: int = 0
    errors: list[str] = field(default_factory=list)
    after_exit: int = 0
    """Messages that arrived after the player process had gone."""
    lateness_ms: dict[str, float] = field(default_factory=dict)
    tail_lateness_ms: float = 0.0
    """Median send lateness of the last 1000 sends: a drifting clock would grow it."""
    grid_drift_ms: float = float("nan")
    lines_slipped: int = 0
    """Steady phase: note-ons heard minus grid lines spanned (0: none lost or doubled)."""
    steady_lines: int = 0
    rss_kib: list[int] = field(default_factory=list)
    arrivals: list[tuple[int, bytes]] = field(default_factory=list)
    """(perf_counter ns, bytes) of every message the receiver heard."""
    sent_commands: list[tuple[int, str]] = field(default_factory=list)
    """(perf_counter ns, command) of every command sent: to find what preceded a stuck note."""

    @property
    def received(self) -> list[bytes]:
        return [data for _, data in self.arrivals]

    @property
    def stuck(self) -> set[tuple[int, int]]:
        return stuck_notes(self.received)

    @property
    def stacked(self) -> int:
        return note_keys(self.received)[1]


def soak(receiver: Any, seconds: float, seed: int = 1) -> SoakResult:
    """Play, edit and drive the transport for `seconds`, then stop and close the
    player. `receiver` is a tests.support.jack.Receiver on the running JACK server."""
    rng = random.Random(seed)
    song = soak_song()
    history = History(soak_song())
    config = PlayerConfig(output=PortSpec(receiver.name), synth=None, realtime=True)
    result = SoakResult(seconds=seconds, commands=0, edits=0)
    status: Status | None = None
    with PlayerHandle(config) as player:
        pid = player_pid()
        result.rss_kib.append(rss_kib(pid))
        start = time.monotonic()
        chaos_end = start + seconds * (1 - STEADY_SHARE)
        next_rss = start + RSS_EVERY_S
        player.send(Play(song=history.song, loop=True))
        while (now := time.monotonic()) < chaos_end:
            command = random_command(rng, history)
            player.send(command)
            result.sent_commands.append((time.perf_counter_ns(), type(command).__name__))
            result.commands += 1
            result.edits += isinstance(command, UpdateSong)
            status = _take(player.poll(), result) or status
            if now >= next_rss:
                result.rss_kib.append(rss_kib(pid))
                next_rss = now + RSS_EVERY_S
            time.sleep(rng.uniform(0.01, 0.12))
        # The steady phase: the unedited song, looped at its own tempo, nothing else.
        player.send(SetTempo(BPM))
        for track in range(TRACKS):
            player.send(SetMute(track, False))
        player.send(Play(song=song, loop=True))
        steady_from = time.perf_counter_ns()
        end = start + seconds
        while (now := time.monotonic()) < end:
            status = _take(player.poll(), result) or status
            if now >= next_rss:
                result.rss_kib.append(rss_kib(pid))
                next_rss = now + RSS_EVERY_S
            time.sleep(0.05)
        result.rss_kib.append(rss_kib(pid))
        player.send(Stop())
        player.wait_for(Stopped, timeout=5.0)
        player.send(RequestLog())
        log: SendLog = player.wait_for(SendLog, timeout=10.0)
        status = _take(player.poll(), result) or status
    # The handle's close waited for the process to leave: whatever comes now is too late.
    heard_at_exit = len(receiver.snapshot())
    time.sleep(0.5)
    arrived = receiver.snapshot()
    result.after_exit = len(arrived) - heard_at_exit
    result.arrivals = arrived
    if status is not None:
        result.sent, result.late, result.dropped = status.sent, status.late, status.dropped
        result.max_late_ms = status.max_late_us / 1000
    lateness = sorted(log.lateness_ns)
    if lateness:
        result.lateness_ms = {
            q: lateness[min(len(lateness) - 1, int(f * len(lateness)))] / 1e6
            for q, f in (("p50", 0.5), ("p99", 0.99), ("p99.9", 0.999))
        } | {"max": lateness[-1] / 1e6}
        result.tail_lateness_ms = statistics.median(log.lateness_ns[-1000:]) / 1e6
    metronome = [
        t
        for t, data in arrived
        if t >= steady_from and len(data) == 3 and data[0] == NOTE_ON and data[2] > 0
    ]
    # The first note-on of the steady phase may still belong to the chaos before it.
    result.steady_lines = len(metronome)
    result.grid_drift_ms = grid_drift_ms(metronome[1:], 60e9 / (BPM * LPB))
    result.lines_slipped = grid_lines_slipped(metronome[1:], 60e9 / (BPM * LPB))
    return result


def _take(messages: list[Any], result: SoakResult) -> Status | None:
    latest = None
    for message in messages:
        if isinstance(message, Status):
            latest = message
            result.errors += [e.text for e in message.errors if e.text not in result.errors]
        elif isinstance(message, PlayerFailed):
            result.errors.append(message.message)
    return latest


def run(seconds: float = 240.0) -> dict[str, Any]:
    from tests.support.jack import Receiver, dummy_jack

    with dummy_jack(f"tracker-soak-{time.time_ns()}"):
        receiver = Receiver(f"soak{time.time_ns() % 100000}")
        try:
            result = soak(receiver, seconds)
        finally:
            receiver.close()
    lines = seconds * BPM * LPB / 60
    rss = result.rss_kib
    return {
        "note": (
            f"{seconds:.0f} s at {BPM:.0f} bpm, {LPB} lines per beat, {TRACKS} tracks: about "
            f"{lines:.0f} lines, as many as {lines / (125 * 4):.0f} minutes at 125 bpm and "
            f"4 lines per beat; {result.commands} commands ({result.edits} edits) while playing."
        ),
        "messages": {
            "received": len(result.received),
            "sent (player)": result.sent,
            "stuck notes": len(result.stuck),
            "stacked note-ons": result.stacked,
            "after exit": result.after_exit,
            "dropped": result.dropped,
        },
        "send lateness ms": {
            **result.lateness_ms,
            "last 1000 (median)": result.tail_lateness_ms,
            "sends > 1 ms late": result.late,
        },
        "steady phase": {
            "lines heard": result.steady_lines,
            "grid drift ms": result.grid_drift_ms,
            "note-ons minus grid lines": result.lines_slipped,
        },
        "player RSS MiB": {
            "start": rss[0] / 1024,
            "end": rss[-1] / 1024,
            "max": max(rss) / 1024,
        },
    }


if __name__ == "__main__":
    print(run(float(sys.argv[1]) if len(sys.argv) > 1 else 240.0))
