"""The session's time, read off the compiled timeline: every tempo change at its
second and beat, a marker per order entry, and the meter rule (4/4: a beat is a
quarter note, lines per beat only say how many lines make it)."""

from __future__ import annotations

import pytest

from tests.handover.conftest import END, ENTRIES, TEMPOS, tempo_song
from tests.support.builders import build_song
from tracker.engine.timeline import compile_song
from tracker.handover.tempo_map import song_time


def test_every_tempo_change_is_a_point_at_its_second_and_beat() -> None:
    time = song_time(compile_song(tempo_song()))

    assert [t.bpm for t in time.tempos] == [bpm for _, _, bpm in TEMPOS]
    assert [t.time for t in time.tempos] == pytest.approx([s for s, _, _ in TEMPOS])
    assert [t.beat for t in time.tempos] == pytest.approx([b for _, b, _ in TEMPOS])
    assert [time.end_time, time.end_beat] == pytest.approx(list(END))


def test_each_order_entry_is_a_marker_named_after_its_pattern_even_when_it_repeats() -> None:
    time = song_time(compile_song(tempo_song()))

    assert [(m.order, m.pattern) for m in time.marks] == [(0, "intro"), (1, "verse"), (2, "verse")]
    assert [m.time for m in time.marks] == pytest.approx([s for _, (s, _) in ENTRIES])
    assert [m.beat for m in time.marks] == pytest.approx([b for _, (_, b) in ENTRIES])


def test_a_render_from_the_second_entry_starts_its_map_there() -> None:
    time = song_time(compile_song(tempo_song(), start_order=1))

    assert [(t.beat, t.bpm) for t in time.tempos] == [(0, 140), (1, 90), (2, 140), (3, 90)]
    assert [(m.beat, m.pattern) for m in time.marks] == [(0, "verse"), (2, "verse")]


def test_lines_per_beat_change_the_lines_not_the_meter_or_the_tempo() -> None:
    # Four lines at 4 lines per beat (a beat), then four at 8 (half a beat).
    song = build_song(
        """
        C-4 01 64 ...
        --- .. .. ...
        --- .. .. ...
        --- .. .. ...
        E-4 01 64 L08
        --- .. .. ...
        --- .. .. ...
        --- .. .. ...
        """,
        bpm=120,
        order=["00", "00"],
    )

    time = song_time(compile_song(song))

    assert [(t.beat, t.bpm) for t in time.tempos] == [(0, 120)]
    assert (time.numerator, time.denominator) == (4, 4)
    # The second time through, every line is at 8 lines per beat: half a beat each.
    assert [m.beat for m in time.marks] == [0, 1.5]
    assert time.end_beat == pytest.approx(2.5)
    assert time.beat_at(time.end_time + 0.5) == pytest.approx(3.5)  # the tail at 120 bpm
