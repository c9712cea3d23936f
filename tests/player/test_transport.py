"""Pieces of the player's transport that need no ports."""

from __future__ import annotations

import pickle
from collections.abc import Generator
from typing import Any

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.engine import timeline
from tracker.engine.clock import FakeClock
from tracker.engine.events import Kind, Timeline
from tracker.engine.timeline import compile_song
from tracker.errors import MidiPortError
from tracker.midi.ports import PortLister
from tracker.player import ahead, edits, stream
from tracker.player.edits import held_offs_in_steps, with_held_offs
from tracker.player.protocol import (
    Cue,
    Play,
    PlayerConfig,
    PortSpec,
    Status,
    UpdateSong,
    play_pattern,
)
from tracker.player.transport import Transport

HELD = """
    C-4 01 40 ... | E-4 01 40 ... | C-3 01 40 ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    --- .. .. ... | G-4 01 40 ... | --- .. .. ...
    OFF .. .. ... | --- .. .. ... | --- .. .. ...
    D-4 01 40 ... | OFF .. .. ... | OFF .. .. ...
"""


def test_an_edit_swapped_in_mid_note_gets_the_held_notes_offs_in_time_order() -> None:
    timeline = compile_song(build_song(HELD), start_line=1)
    assert {note for _, _, _, note in timeline.held} == {60, 64, 48}
    merged = with_held_offs(timeline)
    assert merged.held_offs == []
    assert merged.events == sorted(
        [*timeline.events, *timeline.held_offs], key=lambda e: e.sort_key
    )
    offs = [(e.time, e.a) for e in merged.events if e.kind == Kind.NOTE_OFF]
    assert (timeline.lines[2].time, 60) in offs  # C-4's OFF on line 3 (the start is line 1)
    assert [e.a for e in merged.events if e.kind == Kind.NOTE_ON] == [67, 62]


def test_the_held_notes_offs_go_in_a_few_events_a_step_to_the_same_timeline() -> None:
    # A big song's events copied around its offs at once held the player 20-40 ms.
    timeline = compile_song(build_song(HELD), start_line=1)
    steps = held_offs_in_steps(timeline, chunk=2)
    taken = 0
    while True:
        try:
            next(steps)
        except StopIteration as done:
            merged = done.value
            break
        taken += 1
    assert taken >= len(timeline.events) // 2
    assert merged == with_held_offs(timeline)
    assert merged.events == sorted(
        [*timeline.events, *timeline.held_offs], key=lambda e: e.sort_key
    )


SLOW_COMPILE_NS = 5_000_000
SLOW_STEP_NS = 200_000
LOOP = "\n".join(["C-4 01 64 ...", "OFF .. .. ...", "--- .. .. ...", "E-4 01 50 ..."] * 4)
"""16 lines at 240 bpm: a one-second loop."""


def play_with_slow_compiles(
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
    start: Play,
    at_line_6: object,
    seconds: float,
) -> Transport:
    """Play, send one more command at line 6, and go on for `seconds` of a fake clock
    on which a compile in one go takes 5 ms (one made at a deadline makes that line
    5 ms late) and each step of a compile in steps 0.2 ms."""
    clock = FakeClock(spin_step_ns=20_000)
    real_compile, real_in_steps = stream.compile_range, timeline.compile_in_steps

    def slow_compile(*args: Any) -> Any:
        clock.t += SLOW_COMPILE_NS
        return real_compile(*args)

    def slow_in_steps(*args: Any, **kwargs: Any) -> Generator[None, None, Timeline]:
        steps = real_in_steps(*args, **kwargs)
        while True:
            clock.t += SLOW_STEP_NS
            try:
                next(steps)
            except StopIteration as done:
                timeline: Timeline = done.value
                return timeline
            yield

    monkeypatch.setattr(edits, "compile_range", slow_compile)
    monkeypatch.setattr(ahead, "compile_in_steps", slow_in_steps)
    transport = Transport(
        PlayerConfig(output=PortSpec(receiver.name), synth=None), lambda m: None, clock
    )
    transport.open_ports()
    inbox: list[object] = [start]

    def commands() -> list[bytes]:
        sent = [pickle.dumps(c) for c in inbox]
        inbox.clear()
        return sent

    try:
        transport.step(commands)
        end = clock.t + round(seconds * 1e9)
        sent_late = False
        while clock.t < end:
            if not sent_late and transport.mark is not None and transport.mark.line == 6:
                inbox.append(at_line_6)
                sent_late = True
            transport.step(commands)
        assert sent_late
    finally:
        transport.shutdown()
    return transport


def test_a_looped_pattern_edited_while_playing_comes_round_on_time(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    after = build_song(LOOP.replace("C-4", "D-4"), bpm=240)
    transport = play_with_slow_compiles(
        receiver, monkeypatch, play_pattern(build_song(LOOP, bpm=240), 0), UpdateSong(after), 5
    )
    assert transport.song is not None and transport.song.patterns == after.patterns
    assert transport.counts.sent > 40
    assert transport.counts.max_late_ns < 1_000_000, transport.counts.max_late_ns


def test_a_cued_pattern_starts_on_time(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    song = build_song(LOOP, LOOP.replace("C-4", "D-4"), bpm=240)
    transport = play_with_slow_compiles(receiver, monkeypatch, play_pattern(song, 0), Cue(1), 3)
    assert transport.range.start_order == 1  # the cue was taken, and loops
    assert transport.counts.max_late_ns < 1_000_000, transport.counts.max_late_ns


def test_an_edit_to_a_long_song_lands_a_few_lines_on_and_on_time(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Played through, not looped, a line every 15.6 ms: the edit's compile (about a
    hundred steps of 0.2 ms, longer than any gap) goes a step at a time between the
    notes, from a line far enough ahead."""
    before = build_song(*[LOOP] * 6, bpm=240, lpb=16)
    after = build_song(*[LOOP.replace("E-4", "G-4")] * 6, bpm=240, lpb=16)
    transport = play_with_slow_compiles(
        receiver, monkeypatch, Play(song=before), UpdateSong(after), 4
    )
    assert transport.song is not None and transport.song.patterns == after.patterns
    assert transport.counts.max_late_ns < 1_000_000, transport.counts.max_late_ns


def notices_at_start(config: PlayerConfig) -> list[tuple[str, str]]:
    said: list[object] = []
    transport = Transport(config, said.append, FakeClock())
    try:
        transport.open_ports()
        transport.emit_status()
        transport.hand_over()
    finally:
        transport.shutdown()
    return [(n.kind, n.port) for m in said if isinstance(m, Status) for n in m.errors]


def test_an_output_not_there_is_told_as_missing_by_its_kind(receiver: Receiver) -> None:
    config = PlayerConfig(output=PortSpec("no such synth"), synth=None)
    assert notices_at_start(config) == [("output_missing", '"no such synth"')]


def test_an_output_that_cannot_open_without_a_midi_system_is_told_as_that(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(self: PortLister) -> list[str]:
        raise MidiPortError("cannot reach the MIDI system: (a test)")

    monkeypatch.setattr(PortLister, "outputs", unreachable)
    config = PlayerConfig(output=PortSpec("no such synth"), synth=None)
    assert notices_at_start(config) == [("no_midi_system", '"no such synth"')]


def test_each_loop_of_a_looped_pattern_is_its_next_pass(receiver: Receiver) -> None:
    # C-4 on every loop; E-4 with I13 on passes 1, 4, 7: live looping hears what a song
    # listing the pattern again and again would.
    song = build_song(
        """
        C-4 01 64 ... | E-4 01 64 I13
        OFF .. .. ... | OFF .. .. ...
        """,
        bpm=240,
    )
    clock = FakeClock(spin_step_ns=20_000)
    transport = Transport(
        PlayerConfig(output=PortSpec(receiver.name), synth=None), lambda m: None, clock
    )
    transport.open_ports()
    inbox: list[bytes] = [pickle.dumps(play_pattern(song, 0))]

    def commands() -> list[bytes]:
        sent = list(inbox)
        inbox.clear()
        return sent

    loops = 7
    try:
        transport.step(commands)
        end = clock.t + round(loops * 2 / 16 * 1e9) - 10_000_000  # 7 loops of 2 lines
        while clock.t < end:
            transport.step(commands)
    finally:
        transport.shutdown()

    def struck(data: list[bytes]) -> list[int]:
        return [m[1] for m in data if len(m) == 3 and m[0] & 0xF0 == 0x90 and m[2]]

    heard = struck(receiver.wait_for(lambda data: struck(data).count(60) >= loops))
    passes: list[list[int]] = []
    for note in heard:
        if note == 60:
            passes.append([])
        else:
            passes[-1].append(note)
    assert passes == [[64], [], [], [64], [], [], [64]]
