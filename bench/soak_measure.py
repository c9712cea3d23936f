"""What the soak bench measures (bench/bench_soak.py), each from what was heard or
from /proc: the keys left sounding (stuck notes) and note-ons stacked on a sounding
key, channels that got no All Notes Off after their last note, the drift of note-ons
off the ideal line grid and lines lost or doubled, and the player process's resident
memory. tests/player/test_soak.py and tests/e2e/test_signals.py count notes with it too.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from pathlib import Path

from tracker.errors import TrackerError

NOTE_ON, NOTE_OFF_STATUS, CONTROL = 0x90, 0x80, 0xB0
ALL_NOTES_OFF = 123


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
