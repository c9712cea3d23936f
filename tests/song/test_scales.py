"""Keys and scales as the editor's scale lock and diatonic transpose use them."""

from __future__ import annotations

import pytest

from tests.support.builders import build_song
from tracker.song.scales import KEY_NAMES, SCALES, in_scale, parse_key, scale_of, snap, step

C4, D_FLAT4, E4, F4, G4 = 60, 61, 64, 65, 67


def test_every_scale_starts_on_its_tonic_and_rises_within_an_octave() -> None:
    for name, steps in SCALES.items():
        assert steps[0] == 0 and list(steps) == sorted(set(steps)) and steps[-1] < 12, name
    assert len(SCALES["major"]) == 7 and len(SCALES["blues"]) == 6
    assert len(SCALES["chromatic"]) == 12


@pytest.mark.parametrize(
    ("text", "pitch"), [("C", 0), ("c#", 1), ("Db", 1), ("Bb", 10), ("B", 11), ("Cb", 11)]
)
def test_keys_read_with_sharps_or_flats(text: str, pitch: int) -> None:
    assert parse_key(text) == pitch


@pytest.mark.parametrize("text", ["H", "", "C##", "Do", "7"])
def test_a_name_that_is_not_a_key_says_what_a_key_is(text: str) -> None:
    with pytest.raises(ValueError, match="is not a key"):
        parse_key(text)


def test_key_names_are_written_with_sharps() -> None:
    assert KEY_NAMES[parse_key("Eb")] == "D#"


def test_in_scale_follows_the_tonic() -> None:
    assert in_scale(E4, 0, "major") and not in_scale(D_FLAT4, 0, "major")
    assert in_scale(D_FLAT4, parse_key("Db"), "major")
    assert all(in_scale(n, 5, "chromatic") for n in range(12, 128))


def test_snap_goes_to_the_nearest_scale_note_and_a_tie_goes_down() -> None:
    assert snap(D_FLAT4, 0, "major") == C4  # C and D are both a semitone away
    assert snap(63, 0, "major-pentatonic") == 62  # D# between D and E: down
    assert snap(66, 0, "major-pentatonic") == G4  # F# is nearer G than E
    assert snap(E4, 0, "major") == E4


def test_step_moves_by_scale_degrees_across_octaves() -> None:
    assert step(E4, 0, "major", 1) == F4
    assert step(C4, 0, "major", 7) == 72
    assert step(C4, 0, "major", -1) == 59
    assert step(C4, 9, "minor-pentatonic", 2) == 64  # A minor pentatonic: C, D, E
    assert step(D_FLAT4, 0, "major", 1) == 62  # snapped to C first
    assert step(C4, 0, "chromatic", 3) == 63


def test_a_pattern_may_have_its_own_key_and_scale() -> None:
    song = build_song("C-4 01 .. ...", "C-4 01 .. ...")
    song.key, song.scale = "D", "dorian"
    song.patterns["01"].scale = "blues"
    assert scale_of(song, "00") == (2, "dorian")
    assert scale_of(song, "01") == (2, "blues")
    assert scale_of(song, None) == (2, "dorian")
