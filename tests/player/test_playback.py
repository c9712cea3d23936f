"""The player process on real JACK ports: what a synth on the other end receives,
in what order, when, and that no note is ever left hanging.

Songs run at 240 bpm with 4 lines per beat: a line is 62.5 ms, so a pattern of 8
lines lasts half a second. Timing is judged by the player's own send log (JACK
delivers at the next 1.3 ms period, so arrival times are snapped).
"""

from __future__ import annotations

import itertools
import re
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.audio import onsets, peak_db, read_wav
from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.audio.synth import BLOCK
from tracker.midi.ports import open_virtual_output, queue_lead_ms
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import (
    Continue,
    Cue,
    Jump,
    Panic,
    Pause,
    Play,
    Playhead,
    PortSpec,
    Preview,
    Recorded,
    RequestLog,
    SendLog,
    SetMute,
    SetTempo,
    SetThru,
    Status,
    Stopped,
    SynthConfig,
    UpdateSong,
    play_pattern,
)
from tracker.song.model import Instrument, Song

pytestmark = pytest.mark.jack

LINE_S = 0.0625
PROGRAM_0 = bytes((0xC0, 0))
STRIP_0 = [bytes((0xB0, 7, 100)), bytes((0xB0, 10, 64))]
"""A track's mixer strip at its defaults: 0 dB (CC 7 = 100), centre (CC 10 = 64)."""
OPENING = [PROGRAM_0, *STRIP_0]
"""What every play of a one-track song on channel 1 starts with."""


def on(note: int, velocity: int, channel: int = 0) -> bytes:
    return bytes((0x90 | channel, note, velocity))


def off(note: int, channel: int = 0) -> bytes:
    return bytes((0x80 | channel, note, 0))


def all_notes_off(channel: int = 0) -> bytes:
    return bytes((0xB0 | channel, 123, 0))


def notes_left_on(messages: list[bytes]) -> set[tuple[int, int]]:
    """(channel, note) pairs whose last word was a note-on: stuck notes."""
    sounding: set[tuple[int, int]] = set()
    for m in messages:
        if m[0] & 0xF0 == 0x90 and m[2] > 0:
            sounding.add((m[0] & 0x0F, m[1]))
        elif m[0] & 0xF0 in (0x80, 0x90):
            sounding.discard((m[0] & 0x0F, m[1]))
        elif m[0] & 0xF0 == 0xB0 and m[1] == 123:
            sounding = {s for s in sounding if s[0] != m[0] & 0x0F}
    return sounding


def without_clock(messages: list[bytes]) -> list[bytes]:
    return [m for m in messages if m[0] < 0xF0]


def only_clock(messages: list[bytes]) -> list[bytes]:
    """Clock and transport: they leave from a port of their own, so their order
    against the notes at one instant is JACK's, but among themselves it is ours."""
    return [m for m in messages if m[0] >= 0xF0]


def settled(receiver: Receiver) -> list[bytes]:
    """What the synth got once the last note-offs have crossed JACK."""
    return receiver.wait_for(lambda got: not notes_left_on(got))


# C-4 then E-4 then a G-4 held to the end of the song
ARPEGGIO = """
    C-4 01 64 ...
    --- .. .. ...
    OFF .. .. ...
    E-4 01 50 ...
    --- .. .. ...
    OFF .. .. ...
    G-4 01 40 ...
    --- .. .. ...
"""

# two tracks, each holding a long note: something to cut with stop, mute or jump
LONG_NOTES = (
    """
    C-4 01 64 ... | C-3 01 64 ...
"""
    + "    --- .. .. ... | --- .. .. ...\n" * 15
)


PLAYER_DEFAULTS = {"record_sends": True}
"""What every player in these tests starts with (tests/player/conftest.py)."""


def send_log(player: PlayerHandle) -> SendLog:
    player.send(RequestLog())
    log: SendLog = player.wait_for(SendLog)
    return log


def test_a_song_arrives_message_for_message_in_order_and_on_time(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(ARPEGGIO, bpm=240)))
    assert player.wait_for(Stopped).reason == "end"
    expected = [*OPENING, on(60, 0x64), off(60), on(64, 0x50), off(64), on(67, 0x40), off(67)]
    got = receiver.wait_for(lambda got: len(got) >= len(expected) + 1)
    assert got == [*expected, all_notes_off()]  # stop at the end: the owed offs, then CC 123

    log = send_log(player)
    sends = [(sent, deadline) for sent, deadline, _, data in log.entries]
    first_deadline = sends[0][1]
    offsets_ms = [round((deadline - first_deadline) / 1e6, 3) for _, deadline in sends]
    # program, strip and C-4 at line 0, the OFF at line 2 (125 ms), E-4 at line 3, ...
    assert offsets_ms == [0.0, 0.0, 0.0, 0.0, 125.0, 187.5, 312.5, 375.0, 500.0]
    lateness_us = [(sent - deadline) / 1000 for sent, deadline in sends]
    assert statistics.median(lateness_us) < 1000
    assert max(lateness_us) < 20_000  # a loaded 2-core machine: spikes, never drift

    arrivals = [t for t, _ in receiver.snapshot()][: len(sends)]
    delays_ms = [(a - d) / 1e6 for a, (_, d) in zip(arrivals, sends, strict=True)]
    assert all(-0.1 < d < 30 for d in delays_ms), delays_ms


def test_an_outside_client_receives_the_song(
    jack_server: str, start_player: Callable[..., PlayerHandle]
) -> None:
    dump = subprocess.Popen(
        ["jack_midi_dump", "trkdump"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        deadline = time.monotonic() + 5
        while "trkdump:input" not in subprocess.run(
            ["jack_lsp"], capture_output=True, text=True
        ).stdout.split("\n"):
            assert time.monotonic() < deadline, "jack_midi_dump did not show up"
            time.sleep(0.05)
        player = start_player(output=PortSpec("trkdump"))
        player.send(Play(song=build_song(ARPEGGIO, bpm=240)))
        player.wait_for(Stopped)
        time.sleep(0.1)
    finally:
        dump.terminate()
        printed = dump.communicate(timeout=5)[0]
    # jack_midi_dump prints "   <frame>: 90 3c 64 note on  (channel  0): ..."
    words = [
        bytes.fromhex(m.group(1))
        for m in re.finditer(r"^\s*\d+: ((?:[0-9a-f]{2} ?)+)", printed, re.MULTILINE)
    ]
    assert words == [
        *OPENING,
        on(60, 0x64),
        off(60),
        on(64, 0x50),
        off(64),
        on(67, 0x40),
        off(67),
        all_notes_off(),
    ]


def test_stopping_mid_note_ends_every_sounding_note_then_all_notes_off(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(LONG_NOTES, bpm=240)))
    receiver.wait_for(lambda got: on(48, 0x64) in got)
    player.stop()
    got = receiver.wait_for(lambda got: all_notes_off() in got)
    tail = got[got.index(on(48, 0x64)) + 1 :]
    assert sorted(tail[:2]) == sorted([off(60), off(48)])
    assert tail[2:] == [all_notes_off()]
    assert player.wait_for(Stopped).reason == "stop"


def test_a_looped_pattern_ends_its_held_note_before_wrapping_and_leaves_nothing_on(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(play_pattern(build_song(ARPEGGIO, bpm=240), 0))
    got = receiver.wait_for(lambda got: got.count(on(60, 0x64)) >= 3, timeout=5)
    player.stop()
    got = receiver.wait_for(lambda got: got.count(all_notes_off()) >= 3)
    first_wrap = got.index(on(60, 0x64), got.index(on(60, 0x64)) + 1)
    # G-4 sounds to the end of the pattern: its off and CC 123 come before the pattern
    # starts again with its program change, the strip and C-4
    assert got[first_wrap - 5 : first_wrap] == [off(67), all_notes_off(), *OPENING]
    assert notes_left_on(got) == set()
    heads = [m for m in player.poll() if isinstance(m, Playhead)]
    assert [h.line for h in heads[:10]] == [0, 1, 2, 3, 4, 5, 6, 7, 0, 1]


def long_notes_then_arpeggio() -> Song:
    """Pattern 00: two held notes for 16 lines; 01: the arpeggio, on the first track."""
    arpeggio = "\n".join(
        line.strip() + " | --- .. .. ..." for line in ARPEGGIO.strip().splitlines()
    )
    return build_song(LONG_NOTES, arpeggio, bpm=240)


def test_a_jump_ends_the_held_notes_and_plays_from_the_new_place(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    song = long_notes_then_arpeggio()
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=song))
    receiver.wait_for(lambda got: on(48, 0x64) in got)
    player.send(Jump(order=1, line=3))  # the E-4 of the arpeggio
    got = receiver.wait_for(lambda got: on(64, 0x50) in got)
    after = got[got.index(on(48, 0x64)) + 1 :]
    assert sorted(after[:2]) == sorted([off(60), off(48)])
    assert on(60, 0x64) not in after  # lines 0-2 of the arpeggio were skipped
    player.wait_for(Stopped)
    assert notes_left_on(settled(receiver)) == set()


def test_a_jump_with_clock_out_stops_followers_points_them_there_and_continues(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    song = long_notes_then_arpeggio()
    player = start_player(output=PortSpec(receiver.name), clock_out=PortSpec(receiver.name))
    player.send(Play(song=song))
    receiver.wait_for(lambda got: got.count(b"\xf8") >= 12)
    player.send(Jump(order=1, line=4))
    got = receiver.wait_for(lambda got: b"\xfb" in got)
    clock = only_clock(got)
    relocate = clock.index(b"\xfc")
    # LONG_NOTES is 16 lines (4 beats): line 4 of the next is sixteenth 16 + 4 = 20
    assert clock[relocate : relocate + 3] == [b"\xfc", bytes((0xF2, 20, 0)), b"\xfb"]
    player.stop()


def test_muting_a_track_ends_its_note_and_keeps_the_other_playing(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(LONG_NOTES, bpm=240)))
    receiver.wait_for(lambda got: on(48, 0x64) in got)
    player.send(SetMute(track=1, muted=True))
    got = receiver.wait_for(lambda got: off(48) in got)
    assert off(60) not in got  # track 1 (C-3) silenced, track 0 (C-4) still sounding
    player.wait_for(Stopped)
    assert notes_left_on(settled(receiver)) == set()


def test_panic_sends_all_notes_off_and_all_sound_off_on_every_channel(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Panic())
    got = receiver.wait_for(lambda got: len(got) >= 32)
    assert sorted((m[0] & 0x0F, m[1]) for m in got) == sorted(
        (ch, cc) for ch in range(16) for cc in (123, 120)
    )


def test_clock_out_starts_then_ticks_24_times_a_beat_at_even_intervals(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name), clock_out=PortSpec(receiver.name))
    player.send(Play(song=build_song(ARPEGGIO, bpm=240)))  # 8 lines = 2 beats
    player.wait_for(Stopped)
    log = send_log(player)
    clock = [
        (sent, deadline, data) for sent, deadline, port, data in log.entries if port == "clock"
    ]
    assert clock[0][2] == b"\xfa"
    assert clock[1][2] == b"\xf8"
    ticks = [deadline for _, deadline, data in clock if data == b"\xf8"]
    assert len(ticks) == 48
    beat_ns = 60e9 / 240
    # The schedule is exact (how close the sends come to it is `make bench`'s business):
    assert all(abs((b - a) - beat_ns / 24) <= 1 for a, b in itertools.pairwise(ticks))
    sent_intervals_ms = [(b[0] - a[0]) / 1e6 for a, b in itertools.pairwise(clock[1:])]
    assert statistics.median(sent_intervals_ms) == pytest.approx(beat_ns / 24e6, abs=0.05)
    assert clock[-1][2] == b"\xf8"
    got = receiver.wait_for(lambda got: b"\xfc" in got)
    assert got.count(b"\xf8") == 48
    assert got[-1] == b"\xfc" or all_notes_off() in got[-2:]


def test_clock_out_runs_on_evenly_through_loop_wraps_and_an_edit(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name), clock_out=PortSpec(receiver.name))
    song = build_song(ARPEGGIO, bpm=240)  # 8 lines = 2 beats = 48 pulses a pass
    player.send(play_pattern(song, 0))
    receiver.wait_for(lambda got: got.count(b"\xf8") >= 60)
    player.send(UpdateSong(build_song(ARPEGGIO.replace("C-4", "D-4"), bpm=240)))
    receiver.wait_for(lambda got: got.count(b"\xf8") >= 48 * 4, timeout=5)
    player.stop()
    pulses = [d for _, d, port, data in send_log(player).entries if data == b"\xf8"]
    beat_ns = 60e9 / 240
    assert len(pulses) >= 48 * 4
    assert all(abs((b - a) - beat_ns / 24) <= 1 for a, b in itertools.pairwise(pulses))


def test_pause_then_continue_sends_stop_then_song_position_and_continue(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name), clock_out=PortSpec(receiver.name))
    player.send(Play(song=build_song(LONG_NOTES, bpm=240)))
    receiver.wait_for(lambda got: got.count(b"\xf8") >= 30)  # past beat 1
    player.send(Pause())
    assert player.wait_for(Stopped).reason == "pause"
    got = receiver.wait_for(lambda got: b"\xfc" in got)
    assert notes_left_on(got) == set()
    heads = [m for m in player.poll() if isinstance(m, Playhead)]
    line = heads[-1].line
    receiver.clear()
    player.send(Continue())
    got = receiver.wait_for(lambda got: b"\xf8" in got)
    # the pointer counts sixteenths: at 4 lines per beat, one per line
    assert only_clock(got)[:3] == [bytes((0xF2, line, 0)), b"\xfb", b"\xf8"]
    player.stop()


def test_a_port_unplugged_mid_song_is_reported_and_used_again_when_it_returns(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    notes = "\n".join(["C-4 01 64 ...", "OFF .. .. ..."] * 40)  # 5 s of staccato
    player = start_player(output=PortSpec(receiver.name), port_poll_s=0.2)
    player.send(Play(song=build_song(notes, bpm=240)))
    receiver.wait_for(lambda got: on(60, 0x64) in got)
    receiver.close_port()
    lost = None
    deadline = time.monotonic() + 5
    while lost is None:
        assert time.monotonic() < deadline, "the player never reported the port lost"
        for m in player.poll():
            if isinstance(m, Status) and ("lost" in dict(m.ports).values()):
                lost = m
        time.sleep(0.02)
    assert any(e.kind == "port_lost" and "vanished" in e.text for e in lost.errors)
    receiver.clear()
    receiver.open()
    got = receiver.wait_for(lambda got: got.count(on(60, 0x64)) >= 2, timeout=3)
    assert got.count(on(60, 0x64)) >= 2  # playback went on and reached the synth again
    player.stop()
    assert player.wait_for(Stopped).reason == "stop"


def test_a_live_tempo_change_speeds_up_from_the_change_on(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    notes = "\n".join(["C-4 01 64 ..."] * 24)
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(notes, bpm=120)))  # a line every 125 ms
    receiver.wait_for(lambda got: got.count(on(60, 0x64)) >= 4)
    player.send(SetTempo(240.0))
    player.wait_for(Stopped, timeout=10)
    log = send_log(player)
    starts = [deadline for _, deadline, _, data in log.entries if data == on(60, 0x64)]
    gaps_ms = [round((b - a) / 1e6, 1) for a, b in itertools.pairwise(starts)]
    assert gaps_ms[:3] == [125.0, 125.0, 125.0]
    assert gaps_ms[-5:] == [62.5] * 5
    heads = [m for m in player.poll() if isinstance(m, Playhead)]
    assert heads[-1].bpm == pytest.approx(240.0)


def test_an_edit_is_heard_from_the_next_line(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    before = "\n".join(["C-4 01 64 ..."] * 16)
    after = "\n".join(["D-4 01 64 ..."] * 16)
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(before, bpm=240)))
    receiver.wait_for(lambda got: got.count(on(60, 0x64)) >= 3)
    player.send(UpdateSong(build_song(after, bpm=240)))
    player.wait_for(Stopped)
    got = without_clock(settled(receiver))
    starts = [m[1] for m in got if m[0] == 0x90]
    switched = starts.index(62)
    assert set(starts[:switched]) == {60} and set(starts[switched:]) == {62}, starts
    assert len(starts) == 16, starts  # no line lost or doubled at the swap
    assert notes_left_on(got) == set()


def test_a_note_held_through_an_edit_rings_on_until_its_own_note_off(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    # A pad chord note held for the whole pattern; the musician edits the other track.
    pad = ["E-4 01 50 ..."] + ["--- .. .. ..."] * 14 + ["OFF .. .. ..."]
    beat = ["C-3 01 64 ..."] * 16
    before = "\n".join(f"{p} | {b}" for p, b in zip(pad, beat, strict=True))
    edited = "\n".join(f"{p} | {b.replace('C-3', 'D-3')}" for p, b in zip(pad, beat, strict=True))
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(before, bpm=240)))
    receiver.wait_for(lambda got: got.count(on(48, 0x64)) >= 4)
    player.send(UpdateSong(build_song(edited, bpm=240)))
    player.wait_for(Stopped)
    got = without_clock(settled(receiver))
    assert on(50, 0x64) in got  # the edit was heard
    held_off = [
        i
        for i, m in enumerate(got)
        if m[0] in (0x80, 0x90) and m[1] == 64 and (m[0] == 0x80 or m[2] == 0)
    ]
    assert len(held_off) == 1  # one note-off for the pad: its own OFF, not one at the swap
    # It ends at line 0F, with the last beat: every edited beat but that one came first.
    edited_beats = [i for i, m in enumerate(got) if m == on(50, 0x64)]
    assert sum(1 for i in edited_beats if i < held_off[0]) == len(edited_beats) - 1
    assert bytes((0xB0, 123, 0)) not in got[: held_off[0]]  # no all-notes-off cut it at the swap
    assert notes_left_on(got) == set()


def test_a_cued_pattern_follows_when_the_looped_one_ends(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    song = build_song(ARPEGGIO, "D-5 01 7F ...\n" + "--- .. .. ...\n" * 3, bpm=240)
    player = start_player(output=PortSpec(receiver.name))
    player.send(play_pattern(song, 0))
    receiver.wait_for(lambda got: on(64, 0x50) in got)
    player.send(Cue(1))
    got = receiver.wait_for(lambda got: got.count(on(74, 0x7F)) >= 2)
    assert got.count(on(60, 0x64)) == 1  # the arpeggio ran out once, then pattern 01 looped
    player.stop()


def test_latency_compensation_sends_a_slow_synth_its_notes_earlier(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    slow = Receiver("rxslow")
    try:
        song = build_song(
            "C-4 01 64 ... | C-4 02 64 ...\nOFF .. .. ... | OFF .. .. ...",
            bpm=240,
            instruments={1: Instrument("Fast"), 2: Instrument("Slow")},
        )
        player = start_player(
            output=PortSpec(receiver.name),
            instrument_ports={2: PortSpec(slow.name, latency_ms=30.0)},
        )
        player.send(Play(song=song))
        player.wait_for(Stopped)
        log = send_log(player)
        deadline = {
            (port, data[0]): d for _, d, port, data in log.entries if data[0] & 0xF0 == 0x90
        }
        fast, late = deadline[("out", 0x90)], deadline[("inst02", 0x91)]
        assert (fast - late) / 1e6 == pytest.approx(30.0, abs=0.01)
        assert on(60, 0x64, channel=1) in slow.wait_for(lambda got: on(60, 0x64, 1) in got)
        assert on(60, 0x64, channel=1) not in receiver.data()
    finally:
        slow.close()


def test_midi_input_is_echoed_to_the_instrument_and_recorded_on_the_nearest_line(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    with open_virtual_output("keys", client="trkkeys") as keyboard:
        player = start_player(output=PortSpec(receiver.name), midi_in="trkkeys")
        player.send(SetThru(channel=3))
        keyboard.send(on(72, 99))  # stopped: step record, echoed on channel 4
        keyboard.send(off(72))
        got = receiver.wait_for(lambda got: len(got) >= 2)
        assert got == [on(72, 99, channel=3), off(72, channel=3)]
        step = player.wait_for(Recorded)
        assert (step.note, step.velocity, step.order, step.line) == (72, 99, None, None)
        player.wait_for(Recorded)  # its release

        player.send(Play(song=build_song(LONG_NOTES, bpm=120)))  # 125 ms lines
        heads: list[Playhead] = []
        deadline = time.monotonic() + 5
        while not any(h.line == 4 for h in heads):
            assert time.monotonic() < deadline
            heads += [m for m in player.poll() if isinstance(m, Playhead)]
            time.sleep(0.002)
        time.sleep(0.125 / 4)  # a quarter of the way through line 4
        keyboard.send(on(74, 90))
        live = player.wait_for(Recorded)
        assert (live.note, live.order, live.line) == (74, 0, 4)
        assert -0.5 <= live.offset <= 0.5
        player.stop()


def wait_for_port_status(player: PlayerHandle, name: str, status: str) -> Status:
    """The first report of a port whose label contains `name` being `status`."""
    deadline = time.monotonic() + 5
    while True:
        assert time.monotonic() < deadline, f"the player never reported {name} {status}"
        for m in player.poll():
            if isinstance(m, Status) and any(
                name in label and now == status for label, now in m.ports
            ):
                return m
        time.sleep(0.02)


def test_a_keyboard_unplugged_mid_note_is_released_and_heard_again_when_it_returns(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    keyboard = open_virtual_output("keys", client="trkplug")
    player = start_player(output=PortSpec(receiver.name), midi_in="trkplug", port_poll_s=0.2)
    player.send(Play(song=build_song("\n".join(["--- .. .. ..."] * 64), bpm=60)))
    keyboard.send(on(72, 99))  # held down as the cable comes out
    receiver.wait_for(lambda got: on(72, 99) in got)
    keyboard.close()
    lost = wait_for_port_status(player, "trkplug", "lost")
    assert any(e.kind == "input_lost" and "vanished" in e.text for e in lost.errors)
    got = receiver.wait_for(lambda got: off(72) in got)
    assert notes_left_on(got) == set()  # its note-off would never have come
    with open_virtual_output("keys", client="trkplug") as keyboard:
        back = wait_for_port_status(player, "trkplug", "open")
        assert any(e.kind == "input_back" and "is back" in e.text for e in back.errors)
        keyboard.send(on(74, 80))
        receiver.wait_for(lambda got: on(74, 80) in got)
    player.stop()


def song_for_status(receiver: Receiver) -> Song:
    return build_song(ARPEGGIO, bpm=240, instruments={1: Instrument("Piano")})


def test_status_reports_ports_and_lateness_while_playing(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name), status_interval_s=0.05)
    assert player.ready is not None and dict(player.ready.ports) == {receiver.name: "open"}
    player.send(Play(song=song_for_status(receiver)))
    player.wait_for(Stopped)
    statuses: list[Status] = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not (statuses and not statuses[-1].playing):
        statuses += [m for m in player.poll() if isinstance(m, Status)]
        time.sleep(0.01)
    assert any(s.playing for s in statuses)  # reported while it played, every 50 ms
    final = statuses[-1]
    assert not final.playing and final.sent == 9 and final.dropped == 0  # 7 notes, 2 strip CCs
    assert final.max_late_us < 20_000


def send_clock(port: object, bpm: float, pulses: int, start_ns: int) -> None:
    """An outside master: pulses on absolute deadlines from `start_ns`."""
    from tracker.engine.clock import SystemClock, wait_until

    clock = SystemClock()
    period = 60e9 / bpm / 24
    for k in range(pulses):
        wait_until(start_ns + round(k * period), clock)
        port.send(b"\xf8")  # type: ignore[attr-defined]


def test_following_an_outside_clock_starts_on_start_takes_its_tempo_and_stops_on_stop(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    notes = "\n".join(["C-4 01 64 ..."] * 64)
    with open_virtual_output("master", client="trkmaster") as master:
        player = start_player(output=PortSpec(receiver.name), clock_in="trkmaster")
        player.send(Play(song=build_song(notes, bpm=120), wait_for_clock=True))
        time.sleep(0.2)
        assert receiver.data() == []  # armed, silent until the master starts
        master.send(b"\xfa")
        send_clock(master, 150.0, 24 * 3, time.perf_counter_ns())
        master.send(b"\xfc")
        assert player.wait_for(Stopped).reason == "clock"
    heads = [m for m in player.poll() if isinstance(m, Playhead)]
    assert heads[0].bpm == pytest.approx(120.0)  # the song's own tempo until pulses arrive
    assert heads[-1].bpm == pytest.approx(150.0, abs=1.0)
    assert notes_left_on(settled(receiver)) == set()


def test_play_from_a_line_starts_there_with_the_instrument_set_up(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(ARPEGGIO, bpm=240), start_order=0, start_line=3))
    player.wait_for(Stopped)
    got = settled(receiver)
    assert got[:5] == [*OPENING, on(64, 0x50), off(64)]  # from E-4; C-4 never sounds
    assert on(60, 0x64) not in got


def test_a_ready_made_timeline_plays_as_given(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    """The bounce's and the export's timeline, played as is: a 14-bit bend and a CC."""
    from tracker.engine.events import Event, Kind, LineMark, Timeline

    marks = [LineMark(i * LINE_S, i / 4, i * 6, 0, "00", i, 240.0, 4) for i in range(4)]
    events = [
        Event(0.0, 0.0, 0, Kind.NOTE_ON, 0, 5, 62, 90),
        Event(LINE_S, 0.25, 6, Kind.PITCH_BEND, 0, 5, 4096),
        Event(2 * LINE_S, 0.5, 12, Kind.CONTROL, 0, 5, 74, 33),
        Event(3 * LINE_S, 0.75, 18, Kind.NOTE_OFF, 0, 5, 62),
    ]
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(timeline=Timeline(events, marks, 4 * LINE_S, 1.0, 24)))
    player.wait_for(Stopped)
    bend = 4096 + 8192
    assert settled(receiver)[:4] == [
        on(62, 90, channel=5),
        bytes((0xE5, bend & 0x7F, bend >> 7)),
        bytes((0xB5, 74, 33)),
        off(62, channel=5),
    ]


# ---------------------------------------------------------------- soundfont tracks live

# a piano (soundfont) on track 1 and a generic MIDI synth on track 2, in unison
# every beat: the piano sounds through FluidSynth, the synth's notes leave by MIDI
UNISON = (
    "C-4 01 64 ... | C-4 02 64 ...\n"
    "OFF .. .. ... | OFF .. .. ...\n"
    "--- .. .. ... | --- .. .. ...\n"
    "--- .. .. ... | --- .. .. ...\n"
) * 4
SOUNDFONT_AND_MIDI = {
    1: Instrument("Piano"),
    2: Instrument("Synth", soundfont=None, device="generic"),
}


def statuses(player: PlayerHandle) -> list[Status]:
    return [m for m in player.poll() if isinstance(m, Status)]


def test_without_an_audio_device_soundfont_tracks_go_silent_once_said_and_midi_plays_on(
    receiver: Receiver,
    start_player: Callable[..., PlayerHandle],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRACKER_AUDIO_DRIVER", "alsa")  # this machine has no sound card
    player = start_player(output=PortSpec(receiver.name), synth=SynthConfig())
    assert player.ready is not None and player.ready.audio == "silent: no audio device"
    player.send(Play(song=build_song(ARPEGGIO, bpm=240)))
    assert player.wait_for(Stopped).reason == "end"
    said = [e for s in statuses(player) for e in s.errors if e.kind == "no_audio_device"]
    assert len(said) == 1 and "soundfont tracks are silent" in said[0].text
    # the piano's notes reach the MIDI port instead, and the playhead ran every line
    assert settled(receiver)[:5] == [*OPENING, on(60, 0x64), off(60)]


def test_soundfont_and_midi_tracks_follow_the_same_deadlines_and_the_audio_keeps_time(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    wav = tmp_path / "live.wav"
    player = start_player(
        output=PortSpec(receiver.name), synth=SynthConfig(driver="file", file=wav)
    )
    assert player.ready is not None and player.ready.audio == "file"
    song = build_song(UNISON, bpm=240, instruments=SOUNDFONT_AND_MIDI)
    player.send(Play(song=song))
    player.wait_for(Stopped)
    log = send_log(player)
    synth_ons = [
        due for _, due, port, data in log.entries if port == "synth" and data[0] & 0xF0 == 0x90
    ]
    midi_ons = [
        due for _, due, port, data in log.entries if port == "out" and data[0] & 0xF0 == 0x90
    ]
    assert len(synth_ons) == len(midi_ons) == 4
    # one deadline per beat, to the nanosecond, for both: the port's leads by half the
    # JACK period it is quantised to (midi/jack_period.py)
    assert synth_ons == [due + round(queue_lead_ms() * 1_000_000) for due in midi_ons]
    time.sleep(0.5)
    player.close()  # FluidSynth finishes the file
    found = onsets(read_wav(wav))
    assert len(found) == 4
    beat = 0.25 * 44100  # 240 bpm
    spacing = [f - found[0] - i * beat for i, f in enumerate(found)]
    assert all(abs(s) < BLOCK for s in spacing), spacing
    assert got_notes(receiver) == [60] * 4


def got_notes(receiver: Receiver) -> list[int]:
    return [m[1] for m in settled(receiver) if m[0] & 0xF0 == 0x90]


def test_stopping_mid_note_silences_the_soundfont_too(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    wav = tmp_path / "stop.wav"
    player = start_player(
        output=PortSpec(receiver.name), synth=SynthConfig(driver="file", file=wav)
    )
    song = build_song(LONG_NOTES, bpm=120, instruments={1: Instrument("Piano")})
    player.send(Play(song=song))
    time.sleep(0.4)
    player.stop()
    stopped = time.monotonic()
    player.wait_for(Stopped)
    time.sleep(1.6 - (time.monotonic() - stopped))
    player.close()
    audio = read_wav(wav)
    assert peak_db(audio) > -30  # the two notes sounded
    # FluidSynth renders in real time: the last 0.6 s of the file came a second after stop
    assert peak_db(audio[-int(0.6 * 44100) :]) < -80
    assert receiver.data() == []  # the piano played through the synth, not the port


def test_a_device_with_no_port_plays_its_soundfont_stand_in(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    wav = tmp_path / "fallback.wav"
    player = start_player(
        output=PortSpec(receiver.name), synth=SynthConfig(driver="file", file=wav)
    )
    lead = {1: Instrument("Lead", soundfont=None, device="minilogue-xd")}  # no such port here
    song = build_song("C-4 01 64 ...\n--- .. .. ...\nOFF .. .. ...", bpm=240, instruments=lead)
    player.send(Play(song=song))
    player.wait_for(Stopped)
    said = [e for s in statuses(player) for e in s.errors]
    assert any(e.kind == "stand_in" and "Lead" in e.instrument for e in said), said
    assert any("soundfont stand-in" in e.text for e in said), said
    player.close()
    assert onsets(read_wav(wav))  # it sounded
    assert receiver.data() == []  # and nothing went to the default port


# ---------------------------------------------------------------- previews (typed notes)

KEYS_AND_BASS = {1: Instrument("Keys", program=4), 2: Instrument("Bass", program=33, volume=90)}
EMPTY_TWO_TRACKS = "--- .. .. ... | --- .. .. ...\n" * 8


def arrival_of(receiver: Receiver, message: bytes) -> int:
    return next(t for t, m in receiver.snapshot() if m == message)


@pytest.fixture
def keys_and_bass(receiver: Receiver, start_player: Callable[..., PlayerHandle]) -> PlayerHandle:
    """A stopped player on `receiver` that has the song: two empty tracks, keys and bass."""
    player = start_player(output=PortSpec(receiver.name))
    player.send(UpdateSong(build_song(EMPTY_TWO_TRACKS, instruments=KEYS_AND_BASS)))
    return player


def test_a_preview_when_stopped_sets_the_program_sounds_the_note_and_ends_it_soon(
    receiver: Receiver, keys_and_bass: PlayerHandle
) -> None:
    player = keys_and_bass
    # the bass is on its own channel (the second instrument gets channel 2) at its volume,
    # after its program and the track's mixer strip (0 dB, centre)
    player.send(Preview(track=1, instrument=2, note=40))
    got = receiver.wait_for(lambda got: off(40, 1) in got)
    strip = [bytes((0xB1, 7, 100)), bytes((0xB1, 10, 64))]
    assert got == [bytes((0xC1, 33)), *strip, on(40, 90, 1), off(40, 1)]
    held_ms = (arrival_of(receiver, off(40, 1)) - arrival_of(receiver, on(40, 90, 1))) / 1e6
    assert 450 < held_ms < 700  # the default half second, give or take the loaded machine
    receiver.clear()
    player.send(Preview(track=1, instrument=2, note=43, velocity=0x70))
    got = receiver.wait_for(lambda got: off(43, 1) in got)
    assert got == [on(43, 0x70, 1), off(43, 1)]  # the program and strip are set already


def test_the_next_preview_in_a_track_ends_the_last_and_stop_ends_them_all(
    receiver: Receiver, keys_and_bass: PlayerHandle
) -> None:
    player = keys_and_bass
    player.send(Preview(track=0, instrument=1, note=60, velocity=100, seconds=30))
    player.send(Preview(track=1, instrument=2, note=36, velocity=100, seconds=30))
    player.send(Preview(track=0, instrument=1, note=62, velocity=100, seconds=30))  # key repeat
    got = receiver.wait_for(lambda got: on(62, 100) in got)
    notes = [m for m in got if m[0] & 0xF0 in (0x80, 0x90)]
    assert notes == [on(60, 100), on(36, 100, 1), off(60), on(62, 100)]
    player.stop()
    got = settled(receiver)
    assert notes_left_on(got) == set()
    assert sorted(got[-4:-2]) == sorted([off(62), off(36, 1)])  # each owed note-off...
    assert sorted(got[-2:]) == sorted([all_notes_off(0), all_notes_off(1)])  # then CC 123


def test_a_preview_while_playing_sounds_beside_the_song_on_the_instruments_own_port(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    device = Receiver(f"dev{uuid.uuid4().hex[:6]}")
    try:
        player = start_player(
            output=PortSpec(receiver.name), instrument_ports={2: PortSpec(device.name)}
        )
        song = build_song(LONG_NOTES, bpm=240, instruments=KEYS_AND_BASS)
        player.send(Play(song=song))
        receiver.wait_for(lambda got: on(48, 0x64) in got)
        player.send(Preview(track=0, instrument=2, note=31, velocity=80, seconds=0.1))
        got = device.wait_for(lambda got: off(31, 1) in got)
        assert got == [bytes((0xC1, 33)), on(31, 80, 1), off(31, 1)]  # the song's program
        assert on(31, 80, 1) not in receiver.data()
        player.wait_for(Stopped)
        assert notes_left_on(settled(receiver)) == set()
    finally:
        device.close()


def test_a_soundfont_preview_sounds_in_the_synth_and_stops_sounding(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    wav = tmp_path / "preview.wav"
    player = start_player(
        output=PortSpec(receiver.name), synth=SynthConfig(driver="file", file=wav)
    )
    player.send(UpdateSong(build_song(EMPTY_TWO_TRACKS, instruments={1: Instrument("Piano")})))
    time.sleep(0.2)
    player.send(Preview(track=0, instrument=1, note=60, velocity=110, seconds=0.3))
    time.sleep(2.5)
    player.close()
    audio = read_wav(wav)
    assert len(onsets(audio)) == 1  # it sounded, once
    # released after 0.3 s, the piano dies away: the last second of the file is silent
    # (measured: about -90 dB; a note held on is still near -55 dB there)
    assert peak_db(audio[-44100:]) < -75
    assert receiver.data() == []  # the soundfont instrument did not go to the MIDI port


def test_panic_ends_a_held_preview_for_good(
    receiver: Receiver, keys_and_bass: PlayerHandle
) -> None:
    player = keys_and_bass
    player.send(Preview(track=0, instrument=1, note=60, velocity=100, seconds=0.3))
    receiver.wait_for(lambda got: on(60, 100) in got)
    player.send(Panic())
    opening = [bytes((0xC0, 4)), *STRIP_0, on(60, 100)]  # the program, the strip, the note
    got = receiver.wait_for(lambda got: len(got) >= len(opening) + 32)
    time.sleep(0.5)  # past the preview's own note-off time: nothing more comes
    assert receiver.data() == got
    assert got[: len(opening)] == opening
    assert sorted((m[0] & 0x0F, m[1]) for m in got[len(opening) :]) == sorted(
        (ch, cc) for ch in range(16) for cc in (123, 120)
    )


def test_quitting_ends_a_held_preview(receiver: Receiver, keys_and_bass: PlayerHandle) -> None:
    player = keys_and_bass
    player.send(Preview(track=0, instrument=1, note=60, velocity=100, seconds=30))
    receiver.wait_for(lambda got: on(60, 100) in got)
    player.close()
    got = receiver.wait_for(lambda got: off(60) in got)
    assert got[-2:] == [off(60), all_notes_off()]
