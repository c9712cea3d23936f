"""The key map as data: one table, overridable by id from the musician's keys.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.pilot import RecordingPlayer
from tracker.errors import TrackerError
from tracker.player.protocol import Play
from tracker.song.model import Song
from tracker.ui.app import TrackerApp
from tracker.ui.keymap import KEYMAP, load_overrides, piano_note, piano_offset


def test_the_piano_rows_cover_two_octaves_and_a_third() -> None:
    assert [piano_offset(c) for c in "zsxdcvgbhnjm"] == list(range(12))
    assert piano_offset("q") == 12 and piano_offset("p") == 28
    assert piano_offset("a") is None  # a hex digit and an effect letter, never a note


def test_with_the_scale_lock_the_letter_rows_walk_a_minor_pentatonic_from_its_tonic() -> None:
    a_minor_pentatonic = (9, "minor-pentatonic")  # A C D E G
    lower = [piano_note(c, 3, a_minor_pentatonic) for c in "zxcvbnm"]
    upper = [piano_note(c, 3, a_minor_pentatonic) for c in "qwertyuiop"]
    assert lower == [57, 60, 62, 64, 67, 69, 72]  # A3 C4 D4 E4 G4, then A4 C5
    assert upper == [69, 72, 74, 76, 79, 81, 84, 86, 88, 91]  # from A4, an octave up
    assert piano_note("s", 3, a_minor_pentatonic) == 48  # C#3 between C and D: down to C
    assert piano_note("a", 3, a_minor_pentatonic) is None


def test_without_a_scale_or_in_chromatic_the_piano_is_a_piano() -> None:
    for scale in (None, (2, "chromatic")):
        assert [piano_note(c, 4, scale) for c in "zsxq"] == [60, 61, 62, 72]


def test_every_scope_has_one_action_per_key() -> None:
    seen: dict[tuple[str, str], str] = {}
    for key in KEYMAP:
        for name in key.keys.split(","):
            assert (key.scope, name) not in seen, f"{name} is bound twice in {key.scope}"
            seen[(key.scope, name)] = key.id


def test_a_keys_file_moves_play_to_another_key(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('[keys]\n"play.song" = "f12"\n')
    assert load_overrides(path) == {"play.song": "f12"}
    assert load_overrides(tmp_path / "none.toml") == {}


def test_an_unknown_id_in_the_keys_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('[keys]\n"play.sing" = "f12"\n')
    with pytest.raises(TrackerError, match=r'unknown key id "play\.sing"'):
        load_overrides(path)


async def test_the_app_applies_overrides_from_the_start(player: RecordingPlayer) -> None:
    app = TrackerApp(Song.new(), None, player=player, keys={"play.song": "f12"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")  # no longer bound
        assert not player.sent_of(Play)
        await pilot.press("f12")
        assert player.sent_of(Play)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[keys]\ndeep = " + "[" * 10_000 + "]" * 10_000 + "\n", "nested too deeply"),
        ("[keys]\nhuge = " + "9" * 5000 + "\n", "too many digits"),
    ],
    ids=["ten thousand nested lists", "a 5000-digit number"],
)
def test_a_pathological_keys_file_is_a_clear_error_naming_it(
    tmp_path: Path, text: str, reason: str
) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(text)
    with pytest.raises(TrackerError, match=reason) as raised:
        load_overrides(path)
    assert str(path) in raised.value.message


def test_no_config_folder_means_no_overrides() -> None:
    assert load_overrides(None) == {}
