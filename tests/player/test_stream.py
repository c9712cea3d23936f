"""The player's send stream: what shares an instant and a port leaves as one burst."""

from __future__ import annotations

from tests.support.builders import build_song
from tracker.engine.timeline import compile_song
from tracker.player.stream import (
    CLOCK_PORT,
    DEFAULT_PORT,
    PRIO_CLOCK,
    PRIO_END,
    PRIO_EVENT,
    PRIO_MARK,
    SYNTH_PORT,
    Item,
    build_stream,
)
from tracker.song.model import Instrument

CHORD = """
    C-4 01 40 ... | E-4 01 40 ... | G-4 02 40 ...
    OFF .. .. ... | OFF .. .. ... | OFF .. .. ...
"""


def stream_of(port_of_instrument: dict[int, str], clock: bool = False) -> list[Item]:
    song = build_song(CHORD, instruments={1: Instrument("Keys"), 2: Instrument("Pad", channel=2)})
    timeline = compile_song(song)
    stream = build_stream(
        timeline,
        0.0,
        port_for=lambda e: port_of_instrument.get(e.instrument or 0, DEFAULT_PORT),
        latency_s={},
        clock_intro="start" if clock else None,
    )
    return list(stream)


def test_a_chord_on_one_port_is_one_burst_in_track_order() -> None:
    items = [i for i in stream_of({}) if i.prio == PRIO_EVENT]
    on_burst = next(i for i in items if any(data[0] & 0xF0 == 0x90 for data, _ in i.burst))
    notes_on = [(data[1], track) for data, track in on_burst.burst if data[0] & 0xF0 == 0x90]
    assert notes_on == [(60, 0), (64, 1), (67, 2)]
    off_burst = items[-1]
    assert sorted(data[1] for data, _ in off_burst.burst if data[0] & 0xF0 == 0x80) == [60, 64, 67]
    assert all(i.port == DEFAULT_PORT and i.event is None for i in items)


def test_bursts_split_by_port_and_synth_events_stay_single() -> None:
    items = stream_of({2: SYNTH_PORT})
    synth = [i for i in items if i.port == SYNTH_PORT]
    assert synth and all(i.event is not None and not i.burst for i in synth)
    midi_notes = {
        data[1] for i in items if i.port == DEFAULT_PORT for data, _ in i.burst if data[0] >= 0x90
    }
    assert 67 not in midi_notes and {60, 64} <= midi_notes


def test_the_line_mark_comes_before_the_clock_and_the_notes_of_its_instant() -> None:
    items = stream_of({}, clock=True)
    first_instant = [i for i in items if i.time == 0.0]
    assert [i.prio for i in first_instant][:3] == [PRIO_MARK, PRIO_CLOCK, PRIO_EVENT]
    assert first_instant[1].port == CLOCK_PORT
    clock_bytes = [data for data, track in first_instant[1].burst]
    assert clock_bytes[0] == b"\xfa" and all(track == -1 for _, track in first_instant[1].burst)
    assert items[-1].prio == PRIO_END
