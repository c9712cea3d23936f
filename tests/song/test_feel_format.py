"""The song's feel in its file: key, scale, seed, grooves, humanise and per-track loops.
All optional, written back only when set, and every bad value placed at its line and column."""

from __future__ import annotations

import pytest

from tracker.errors import SongFormatError
from tracker.song.fileformat import dumps, loads
from tracker.song.model import Groove, Humanise, Song

# In the canonical layout: saving it must not change a byte.
FEEL = '''\
format = 1
title = "Feel"
bpm = 100.0
lpb = 4
tpl = 6
swing = 0.0
key = "A#"
scale = "dorian"
seed = 4242
groove = "laid"
humanise = { velocity = 6, timing = 0.25 }
order = ["00"]

[grooves]
laid = [0.0, 0.1, 0.05, 0.2]
ticked = { ticks = [0, 2] }

[instruments.01]
name = "Piano"
soundfont = "default"
program = 0

[[tracks]]
name = "Keys"
notes = 1
effects = 1

[[tracks]]
name = "Hats"
notes = 1
effects = 1
groove = "swing-62"

[patterns.00]
lines = 4
key = "F"
scale = "minor-pentatonic"
loops = { 2 = 3 }
rows = """
C-4 01 .. Y80 | C-4 01 .. I14
--- .. .. ... | --- .. .. ...
--- .. .. ... | --- .. .. ...
--- .. .. ... | --- .. .. ...
"""
'''


def test_the_feel_reads_as_written() -> None:
    song = loads(FEEL)
    assert (song.key, song.scale, song.seed) == ("A#", "dorian", 4242)
    assert song.groove == "laid" and song.grooves == {
        "laid": Groove((0.0, 0.1, 0.05, 0.2)),
        "ticked": Groove((0.0, 2.0), in_ticks=True),
    }
    assert song.humanise == Humanise(velocity=6, timing=0.25)
    assert [t.groove for t in song.tracks] == [None, "swing-62"]
    pattern = song.patterns["00"]
    assert (pattern.key, pattern.scale) == ("F", "minor-pentatonic")
    assert [part.loop for part in pattern.tracks] == [None, 3]


def test_the_feel_is_written_back_byte_for_byte() -> None:
    assert dumps(loads(FEEL)) == FEEL


def test_a_song_without_them_takes_the_defaults_and_writes_none_of_them() -> None:
    plain = FEEL.replace('key = "A#"\nscale = "dorian"\nseed = 4242\ngroove = "laid"\n', "")
    plain = plain.replace("humanise = { velocity = 6, timing = 0.25 }\n", "")
    song = loads(plain)
    assert (song.key, song.scale, song.seed, song.groove) == ("C", "chromatic", 0, None)
    assert song.humanise.is_off
    text = dumps(song)
    for key in ("\nkey =", '\nscale = "', "seed", "humanise"):
        assert key not in text.split("[grooves]")[0]


def test_a_flat_key_is_written_as_its_sharp() -> None:
    assert 'key = "A#"' in dumps(loads(FEEL.replace('key = "A#"', 'key = "Bb"')))


# Keys inside an inline table (humanise, loops) are placed at the table's own key.
@pytest.mark.parametrize(
    ("old", "new", "place", "message"),
    [
        ('scale = "dorian"', 'scale = "dorain"', "8:9", 'unknown scale "dorain" .*"dorian"'),
        ('key = "A#"', 'key = "H"', "7:7", '"H" is not a key'),
        ("seed = 4242", "seed = -1", "9:8", "seed = -1 is out of range"),
        ('groove = "laid"', 'groove = "lazy"', "10:10", 'no groove "lazy"'),
        ("laid = [0.0, 0.1", "laid = [0.0, 1.5", "15:8", "delay 2 is 1.5"),
        ("laid = [0.0, 0.1, 0.05, 0.2]", 'laid = "late"', "15:8", "should be a list of delays"),
        ("ticks = [0, 2]", "ticks = [0, 32]", "16:10", "delay 2 is 32 .expected ticks, 0 to 31"),
        ("velocity = 6", "velocity = 99", "11:1", "velocity = 99 is out of range"),
        ("velocity = 6", "loudness = 6", "11:1", 'unknown key "loudness" in humanise'),
        ('groove = "swing-62"', 'groove = "swing-63"', "32:10", 'no groove "swing-63"'),
        ("loops = { 2 = 3 }", "loops = { 2 = 5 }", "38:1", "loop 1 to 4 lines"),
        ("loops = { 2 = 3 }", "loops = { 3 = 2 }", "38:1", '"3" should be a track number'),
        ('scale = "minor-pentatonic"', 'scale = "pentatonic"', "37:9", "unknown scale"),
        ("swing = 0.0", "swing = 0.5", "10:1", "both swing = 0.5 and a groove"),
    ],
)
def test_a_bad_value_is_placed_and_explained(old: str, new: str, place: str, message: str) -> None:
    assert old in FEEL
    with pytest.raises(SongFormatError, match=f"^song.toml:{place}: .*{message}"):
        loads(FEEL.replace(old, new, 1), "song.toml")


def test_a_loop_no_shorter_than_its_pattern_is_not_written() -> None:
    song = loads(FEEL)
    song.patterns["00"].tracks[1].loop = 4
    assert "loops" not in dumps(song)
    song.patterns["00"].tracks[1].loop = 9  # the pattern was shortened under it
    assert "loops" not in dumps(song)
    assert loads(dumps(song)).patterns["00"].tracks[1].loop is None


def test_a_new_song_rolls_its_own_seed_and_keeps_it_through_a_save() -> None:
    seeds = {Song.new().seed for _ in range(4)}
    assert len(seeds) > 1  # four equal draws of 32 bits: never
    song = Song.new()
    assert f"seed = {song.seed}" in dumps(song)
    assert loads(dumps(song)).seed == song.seed
