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

`python -m bench.bench_soak [SECONDS]` runs it alone; `run()` is what `make bench` calls.
`soak()` is also the body of tests/player/test_soak.py (the short version).
"""

from __future__ import annotations

import contextlib
import random
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import TrackerError
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import (
    Command,
    Continue,
    Cue,
    Jump,
    Pause,
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
    play_pattern,
)
from tracker.song.edit import History, SetCell, Transpose
from tracker.song.edit.selection import Selection
from tracker.song.model import (
    NOTE_OFF,
    Cell,
    Effect,
    Instrument,
    Pattern,
    PatternTrack,
    Song,
    Track,
)

BPM = 999.0
LPB = 8
TRACKS = 8
LINES = 32
STEADY_SHARE = 0.15
"""The last part of the run plays without commands, for the drift fit."""
RSS_EVERY_S = 0.5

NOTE_ON, NOTE_OFF_STATUS, CONTROL = 0x90, 0x80, 0xB0
ALL_NOTES_OFF = 123


# ---------------------------------------------------------------- the music


def soak_song() -> Song:
    """Track 1 is a metronome (a note on every line, each ending the one before); the
    others mix held notes, OFFs, retriggers, cuts, delays and arpeggios, each on its own
    channel of the generic MIDI device so every track reaches the receiver as MIDI."""
    rng = random.Random(7)
    tracks = [Track(name=f"T{t + 1}", notes=1, effects=1) for t in range(TRACKS)]
    patterns = {}
    for name in ("a", "b"):
        pattern_tracks = []
        for t in range(TRACKS):
            if t == 0:
                column = [Cell(60 + line % 12, 1, 0x60, (None,)) for line in range(LINES)]
            else:
                column = [random_cell(rng, t + 1) for _ in range(LINES)]
            pattern_tracks.append(PatternTrack(columns=[column], cc=[]))
        patterns[name] = Pattern(lines=LINES, tracks=pattern_tracks)
    return Song(
        title="Soak",
        bpm=BPM,
        lpb=LPB,
        tpl=6,
        order=["a", "b", "a", "b"],
        instruments={
            t + 1: Instrument(f"Synth {t + 1}", soundfont=None, device="generic", channel=t + 1)
            for t in range(TRACKS)
        },
        tracks=tracks,
        patterns=patterns,
    )


def random_cell(rng: random.Random, instrument: int) -> Cell:
    """A note (sometimes with an effect that makes its own note-ons and -offs), an OFF, or rest."""
    roll = rng.random()
    if roll < 0.45:
        effect = rng.choice([None, None, Effect("R", 0x02), Effect("C", 0x03), Effect("Q", 0x02),
                             Effect("A", 0x37)])  # fmt: skip
        return Cell(rng.randrange(36, 96), instrument, rng.randrange(0x20, 0x7F), (effect,))
    if roll < 0.6:
        return Cell(NOTE_OFF, None, None, (None,))
    return Cell()


def random_edit(rng: random.Random, song: Song) -> SetCell | Transpose:
    """One edit a musician might make while the song plays: a cell rewritten, or a
    stretch of a pattern transposed."""
    pattern = rng.choice(sorted(song.patterns))
    if rng.random() < 0.8:
        track = rng.randrange(1, TRACKS)
        return SetCell(pattern, rng.randrange(LINES), track, 0, random_cell(rng, track + 1))
    first = rng.randrange(LINES)
    selection = Selection(pattern, first, min(LINES - 1, first + 7), 1, 0, TRACKS - 1, 0)
    return Transpose(selection, rng.choice([-12, -1, 1, 12]))


def random_command(rng: random.Random, history: History) -> Command:
    """What arrives next: mostly edits, then transport changes of every kind."""
    song = history.song
    roll = rng.random()
    if roll < 0.45:
        edit = random_edit(rng, song)
        with contextlib.suppress(TrackerError):  # a transpose off the keyboard: the UI refuses it
            history.do(edit)
        return UpdateSong(song)
    choices: list[Command] = [
        Play(song=song, start_order=rng.randrange(len(song.order)), loop=True),
        play_pattern(song, rng.randrange(len(song.order))),
        Play(song=song, start_order=rng.randrange(len(song.order)), loop=False),
        Stop(),
        Jump(rng.randrange(len(song.order)), rng.randrange(LINES)),
        Cue(rng.randrange(len(song.order))),
        SetMute(rng.randrange(TRACKS), rng.random() < 0.5),
        SetTempo(rng.choice([BPM, BPM / 2, 600.0, 333.0, 999.0])),
        Pause(),
        Continue(),
    ]
    return rng.choice(choices)


# ---------------------------------------------------------------- what the receiver heard


def note_keys(messages: Iterable[bytes]) -> tuple[set[tuple[int, int]], int]:
    """Read note messages the way the player (tracker/midi/notes.py) and FluidSynth treat a
    key: a note-on makes (channel, key) sound, a note-off (or a note-on of velocity 0)
    ends it, however many note-ons came before. Returns the keys still sounding at the
    end (stuck notes) and how many note-ons arrived for a key already sounding (stacked:
    MIDI leaves those to the receiver, and a synth that gives each its own voice may
    keep one ringing after the single note-off)."""
    sounding: set[tuple[int, int]] = set()
    stacked = 0
    for data in messages:
        if len(data) < 3 or data[0] & 0xE0 != NOTE_OFF_STATUS:  # 0x8n and 0x9n only
            continue
        key = (data[0] & 0x0F, data[1])
        if data[0] & 0xF0 == NOTE_ON and data[2] > 0:
            stacked += key in sounding
            sounding.add(key)
        else:
            sounding.discard(key)
    return sounding, stacked


def stuck_notes(messages: Iterable[bytes]) -> set[tuple[int, int]]:
    """(channel, key) of every note whose last word was a note-on."""
    return note_keys(messages)[0]


def channels_without_all_notes_off(messages: list[bytes]) -> set[int]:
    """Channels that played a note-on and got no CC 123 after their last one."""
    last_on: dict[int, int] = {}
    last_panic: dict[int, int] = {}
    for i, data in enumerate(messages):
        if len(data) < 3:
            continue
        channel = data[0] & 0x0F
        if data[0] & 0xF0 == NOTE_ON and data[2] > 0:
            last_on[channel] = i
        elif data[0] & 0xF0 == CONTROL and data[1] == ALL_NOTES_OFF:
            last_panic[channel] = i
    return {ch for ch, i in last_on.items() if last_panic.get(ch, -1) < i}


def grid_drift_ms(arrivals_ns: list[int], line_ns: float, edge: int = 50) -> float:
    """How far the last note-ons moved off the ideal line grid compared with the first:
    each arrival's offset from the nearest grid line (first + k * line), median of
    the last `edge` minus the median of the first `edge` (medians: JACK delivers on
    1.33 ms periods). The nearest line, not the k-th note: a line without a note, or
    a loop wrap, must not read as a whole line of drift."""
    if len(arrivals_ns) < 2 * edge:
        return float("nan")
    first = arrivals_ns[0]
    residual = [(t - first) - round((t - first) / line_ns) * line_ns for t in arrivals_ns]
    return (statistics.median(residual[-edge:]) - statistics.median(residual[:edge])) / 1e6


def grid_lines_slipped(arrivals_ns: list[int], line_ns: float) -> int:
    """Note-ons heard minus grid lines spanned: a line lost or doubled shows here."""
    if len(arrivals_ns) < 2:
        return 0
    spanned = round((arrivals_ns[-1] - arrivals_ns[0]) / line_ns) + 1
    return len(arrivals_ns) - spanned


def rss_kib(pid: int) -> int:
    """The process's resident set size, from /proc/PID/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise TrackerError(f"no VmRSS for process {pid}")


def player_pid() -> int:
    """Our player process: the child running tracker.player.process."""
    for task in Path("/proc/self/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"tracker.player.process" in cmdline:
                return int(child)
    raise TrackerError("the player process is not running")


# ---------------------------------------------------------------- the run


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
