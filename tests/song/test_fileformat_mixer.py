"""The mixer in the song file: each track's strip and the song's master settings.

Every field is optional, so a file written before the mixer reads unchanged,
and the writer leaves a field out at its default, so such a file saves back
byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from tracker.song.fileformat import dumps, loads
from tracker.song.model import MasterSettings, Song, Track

GOOD = Path(__file__).parent / "data" / "good.toml"

MIXED = '''\
format = 1
title = "Mixed"
bpm = 120.0
lpb = 4
tpl = 6
swing = 0.0
order = ["a"]

[master]
gain_db = -1.5
loudness = -14.0
true_peak = -2.0

[instruments.01]
name = "Piano"
soundfont = "default"
program = 0

[[tracks]]
name = "Keys"
notes = 1
effects = 1
volume_db = -6.0
pan = -32
reverb = 80
chorus = 0

[[tracks]]
name = "Bass"
notes = 1
effects = 1
pan = 63

[patterns.a]
lines = 1
rows = """
C-4 01 40 ... | C-2 01 .. ...
"""
'''


def test_a_mixed_song_reads_each_strip_and_the_master() -> None:
    song = loads(MIXED)
    keys, bass = song.tracks
    assert (keys.volume_db, keys.pan, keys.reverb, keys.chorus) == (-6.0, -32, 80, 0)
    assert (bass.volume_db, bass.pan, bass.reverb, bass.chorus) == (0.0, 63, None, None)
    assert song.master == MasterSettings(gain_db=-1.5, loudness=-14.0, true_peak=-2.0)


def test_a_mixed_song_is_written_back_byte_for_byte() -> None:
    assert dumps(loads(MIXED)) == MIXED


def test_a_file_from_before_the_mixer_reads_at_the_defaults_and_saves_unchanged() -> None:
    text = GOOD.read_text()
    song = loads(text)
    assert all(t.mixer_is_default for t in song.tracks)
    assert song.master == MasterSettings()
    assert dumps(song) == text
    assert "[master]" not in text and "volume_db" not in text


def test_only_the_settings_away_from_their_default_are_written() -> None:
    song = Song.new(tracks=1)
    song.tracks[0] = Track(name="Lead", volume_db=-3.5)
    song.master = MasterSettings(loudness=-16.0)
    text = dumps(song)
    assert "volume_db = -3.5" in text and "pan" not in text and "reverb" not in text
    assert "[master]\nloudness = -16.0\n" in text and "gain_db" not in text
    assert loads(text) == song


def test_a_send_of_zero_is_kept_apart_from_no_send() -> None:
    """reverb = 0 sends CC 91 = 0 (dry); leaving it out sends nothing (the synth's own)."""
    song = Song.new(tracks=2)
    song.tracks[0].reverb = 0
    again = loads(dumps(song))
    assert (again.tracks[0].reverb, again.tracks[1].reverb) == (0, None)
