"""A song's key and scale, a pattern's own, diatonic transpose by them, and track loops."""

from __future__ import annotations

import pytest

from tests.support.builders import build_song, pattern_rows
from tracker.errors import EditError
from tracker.song.edit import AddCCLane, History, ResizePattern, Selection, SetTrackColumns
from tracker.song.edit.keys import DiatonicTranspose, SetKey, SetTrackLoop, key_label

C_MAJOR_RUN = """
    C-4 01 .. ...
    E-4 01 .. ...
    B-4 01 .. ...
    C#4 01 .. ...
"""


def notes(history: History, pattern: str = "00") -> list[str]:
    return [row[:3] for row in pattern_rows(history.song, pattern)]


def test_up_a_degree_in_c_major_takes_e_to_f_and_b_to_c() -> None:
    history = History(build_song(C_MAJOR_RUN))
    history.do(SetKey("C", "major"))
    history.do(DiatonicTranspose(Selection("00", 0, 3), 1))
    # C#4 is not in C major: it is taken to C (a tie goes down), then up a degree
    assert notes(history) == ["D-4", "F-4", "C-5", "D-4"]
    history.undo()
    assert notes(history) == ["C-4", "E-4", "B-4", "C#4"]


def test_down_two_degrees_in_a_minor_pattern_uses_the_patterns_own_key() -> None:
    history = History(build_song("C-4 01 .. ...", "C-4 01 .. ..."))
    history.do(SetKey("C", "major"))
    history.do(SetKey("A", "minor", "01"))  # A B C D E F G: the same notes as C major
    history.do(SetKey("C", "minor", "00"))  # C D Eb F G Ab Bb
    history.do(DiatonicTranspose(Selection("00", 0, 0), -2))
    history.do(DiatonicTranspose(Selection("01", 0, 0), -2))
    assert notes(history, "00") == ["G#3"]  # C minor: C, Bb, Ab
    assert notes(history, "01") == ["A-3"]  # A minor: C, B, A
    assert key_label(history.song, "00") == "C minor"
    assert key_label(history.song, "01") == "A minor"


def test_a_chromatic_song_steps_by_semitones_and_shows_no_key() -> None:
    history = History(build_song(C_MAJOR_RUN))
    history.do(DiatonicTranspose(Selection("00", 0, 0), 1))
    assert notes(history)[0] == "C#4"
    assert key_label(history.song, "00") == ""


def test_an_unknown_key_or_scale_is_refused_naming_the_known_ones() -> None:
    history = History(build_song(C_MAJOR_RUN))
    with pytest.raises(EditError, match="not a key"):
        history.do(SetKey("H", "major"))
    with pytest.raises(EditError, match="dorian"):
        history.do(SetKey("C", "ionian-ish"))


def test_a_track_loop_is_set_cleared_and_checked_against_the_pattern() -> None:
    history = History(build_song(C_MAJOR_RUN))
    history.do(SetTrackLoop("00", 0, 3))
    assert history.song.patterns["00"].tracks[0].loop == 3
    history.do(SetTrackLoop("00", 0, 4))  # the whole pattern is no loop
    assert history.song.patterns["00"].tracks[0].loop is None
    history.undo()
    assert history.song.patterns["00"].tracks[0].loop == 3
    with pytest.raises(EditError, match="1-4"):
        history.do(SetTrackLoop("00", 0, 5))


def test_a_track_loop_survives_reshaping_the_track_and_growing_the_pattern() -> None:
    history = History(build_song(C_MAJOR_RUN))
    history.do(SetTrackLoop("00", 0, 2))
    history.do(SetTrackColumns(0, notes=3))  # a chord grew the track
    history.do(AddCCLane(0, "74"))
    history.do(ResizePattern("00", 8))
    assert history.song.patterns["00"].tracks[0].loop == 2
    history.do(ResizePattern("00", 2))  # no line after the loop is left: no loop
    assert history.song.patterns["00"].tracks[0].loop is None
