"""`tracker render --seed` and songs that vary by pass: the same bytes every run, the same
bytes after chancy notes are added where nobody hears them, and another seed on asking."""

from __future__ import annotations

from pathlib import Path

from tests.support.audio import RATE, onsets, read_wav
from tests.support.builders import build_song
from tests.support.command import tracker as run_tracker
from tracker.song.model import Cell, Effect, Humanise, Instrument, PatternTrack, Song, Track
from tracker.song.storage import save_song

ROOT = Path(__file__).parent.parent.parent

CHANCY = "C-4 01 60 Y80 | E-2 02 60 I13"
"""A chancy piano note and a bass note on every third pass."""


def chancy_song(seed: int = 77) -> Song:
    """CHANCY played 24 times at 480 bpm (about 3 seconds), humanised."""
    song = build_song(
        CHANCY,
        tracks=[Track("Dice"), Track("Bass")],
        instruments={1: Instrument("Piano"), 2: Instrument("Bass", program=33)},
        order=["00"] * 24,
        bpm=480,
    )
    song.seed = seed
    song.humanise = Humanise(velocity=12, timing=0.5)
    return song


REPRODUCIBLE = {"SOURCE_DATE_EPOCH": "1700000000"}
"""The render's bext chunk dates itself by this, not the clock: the same bytes each run."""


def tracker(*args: str | Path) -> None:
    """The real command, run as a user would."""
    result = run_tracker(*args, env=REPRODUCIBLE, timeout=120)
    assert result.returncode == 0, result.stderr


def render(song_path: Path, out: Path, *args: str) -> bytes:
    """The mix `tracker render` writes."""
    tracker("render", song_path, "-o", out, "--bits", "16", "--tail", "0.2", *args)
    assert [p.name for p in out.iterdir()] == ["mix.wav"]
    return (out / "mix.wav").read_bytes()


def test_a_chancy_song_renders_to_the_same_bytes_every_time(tmp_path: Path) -> None:
    song_path = tmp_path / "dice.toml"
    save_song(chancy_song(), song_path)
    assert render(song_path, tmp_path / "one") == render(song_path, tmp_path / "two")


def test_chancy_notes_added_on_a_muted_track_leave_the_mix_byte_identical(
    tmp_path: Path,
) -> None:
    # Draws taken in play order would all move along when chancy notes are added
    # before them (muted tracks still compile); draws by place do not.
    song = chancy_song()
    song.tracks.insert(0, Track("Sketch", mute=True))
    song.patterns["00"].tracks.insert(0, PatternTrack.empty(song.tracks[0], 1))
    song_path = tmp_path / "dice.toml"
    save_song(song, song_path)
    before = render(song_path, tmp_path / "before")
    song.patterns["00"].tracks[0].columns[0][0] = Cell(
        note=72, instrument=1, effects=(Effect("Y", 0x80),)
    )
    save_song(song, song_path)
    assert render(song_path, tmp_path / "after") == before


def test_seed_renders_another_roll_without_touching_the_file(tmp_path: Path) -> None:
    song_path = tmp_path / "dice.toml"
    save_song(chancy_song(seed=77), song_path)
    text = song_path.read_bytes()
    rolled = render(song_path, tmp_path / "rolled", "--seed", "78")
    assert song_path.read_bytes() == text
    saved_with_78 = tmp_path / "dice78.toml"
    save_song(chancy_song(seed=78), saved_with_78)
    assert render(saved_with_78, tmp_path / "78") == rolled


HATS_LOOP = 12
HAT_LINES = [0, 12, 16, 28]
"""Where a hi-hat on line 0 of a 12-line loop sounds over two passes of a 16-line pattern."""


def hats_song() -> Song:
    """A closed hi-hat on line 0 of a track looping 12 lines of a 16-line pattern, twice,
    at 240 bpm: a line is 1/16 s."""
    rows = "\n".join(["F#2 01 70 ..."] + ["--- .. .. ..."] * 15)
    song = build_song(
        rows,
        tracks=[Track("Hats")],
        instruments={1: Instrument("Drum kit", bank=128, channel=10)},
        order=["00", "00"],
        bpm=240,
    )
    song.patterns["00"].tracks[0].loop = HATS_LOOP
    return song


def test_a_looping_track_sounds_in_the_bounce_where_the_expansion_says(tmp_path: Path) -> None:
    song_path = tmp_path / "hats.toml"
    save_song(hats_song(), song_path)
    render(song_path, tmp_path / "out")
    heard = onsets(read_wav(tmp_path / "out" / "mix.wav"))
    line = RATE / 16
    assert len(heard) == len(HAT_LINES), heard
    for frame, expected in zip(heard, HAT_LINES, strict=True):
        assert abs(frame - expected * line) < 0.1 * line, (frame, expected)
