"""What `tracker check` says about a song's feel, and that the shipped variations song
shows every part of it off."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import tracker
from tests.support.builders import build_song
from tracker.check.feel import describe_feel
from tracker.song.model import Track

ROOT = Path(__file__).parent.parent.parent


def test_a_plain_song_gets_no_feel_rows() -> None:
    assert describe_feel(build_song("C-4 01 .. ...")) == []


def test_swing_alone_is_told_by_the_tempo_line_not_here() -> None:
    assert describe_feel(build_song("C-4 01 .. ...", swing=0.5)) == []


def test_a_track_groove_over_the_song_swing_names_both() -> None:
    song = build_song("C-4 01 .. ... | --- .. .. ...", swing=0.5)
    song.tracks = [Track("Keys", groove="swing-66"), Track("Bass")]
    assert describe_feel(song) == [
        ("groove", "swing 0.5 on the other tracks"),
        ("groove", "Keys: swing-66 (preset, 2 lines: 0 0.32)"),
    ]


def test_check_describes_everything_the_variations_song_shows_off() -> None:
    result = tracker("check", "songs/variations.toml")
    assert result.returncode == 0, result.stderr
    rows = [line.split(maxsplit=1) for line in result.stdout.splitlines()[1:]]
    report = {row[0]: row[1] for row in rows if len(row) == 2}
    assert report["key"] == "D dorian; pattern B in A harmonic-minor"
    assert report["chords"].startswith("Chords (") and "3-note chords" in report["chords"]
    assert report["seed"].startswith("20261203 ")
    assert report["groove"]  # one row per groove: the song's, and each track's own
    assert "Hats: lazy-16" in result.stdout and "Bass: push (the song's" in result.stdout
    assert report["humanise"].startswith("velocity +-6")
    assert "chance (Yxx)" in report["variation"] and "conditions (Ixy)" in report["variation"]
    assert "pattern A: Hats loops 12 of 16 lines" in result.stdout
