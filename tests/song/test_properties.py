"""Properties of the song format over many generated songs and damaged files.

- every valid Song survives dumps -> loads unchanged, and its text is a fixed point;
- nothing but SongFormatError ever leaves the reader, whatever the text or bytes;
- an error's place is inside the file;
- whatever the reader accepts, the writer can store exactly.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.strategies import songs
from tracker.errors import SongFormatError
from tracker.song.fileformat import dumps, load_bytes, loads
from tracker.song.model import Song

DATA = Path(__file__).parent / "data"
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BASE_TEXTS = [
    (DATA / "good.toml").read_text(),
    (DATA / "format0.toml").read_text(),
]

# Characters that matter to TOML or to tracker notation, to make damage interesting.
DAMAGE = [*"\"'[]{}=.,#\\|\n\t -0123456789ABCDEFXOabcdefx^é", "\x00", '"""', "\r\n"]


def _check_outcome(text: str) -> None:
    """The reader either gives a song the writer can keep exactly, or an error placed in the file."""
    try:
        song = loads(text, "damaged.toml")
    except SongFormatError as error:
        assert error.path == "damaged.toml"
        if error.line is not None:
            assert 1 <= error.line <= text.count("\n") + 1
            assert error.column is not None and error.column >= 1
        return
    assert loads(dumps(song)) == song


@st.composite
def damaged_texts(draw: st.DrawFn) -> str:
    """A valid song file with a few characters or lines deleted, duplicated, swapped or inserted."""
    text = draw(st.one_of(st.sampled_from(BASE_TEXTS), songs().map(dumps)))
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "lines"]))
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 4)) :]
        elif kind == "duplicate":
            text = text[: at + 1] + text[at:]
        elif kind == "swap":
            other = draw(st.integers(0, max(len(text) - 1, 0)))
            chars = list(text)
            if chars:
                chars[at], chars[other] = chars[other], chars[at]
            text = "".join(chars)
        elif kind == "insert":
            text = text[:at] + draw(st.sampled_from(DAMAGE)) + text[at:]
        else:
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            action = draw(st.sampled_from(["delete", "duplicate", "swap"]))
            if action == "delete":
                del lines[i]
            elif action == "duplicate":
                lines.insert(i, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@FAST
@given(songs())
def test_every_generated_song_survives_a_save_and_load_unchanged(song: Song) -> None:
    text = dumps(song)
    assert loads(text) == song
    assert dumps(loads(text)) == text


@FAST
@given(damaged_texts())
def test_a_damaged_file_gives_a_song_or_a_placed_error_and_nothing_else(text: str) -> None:
    _check_outcome(text)


# Whole statements of a song file, to be shuffled into songs that are nearly right.
PIECES = [
    "format = 1\n",
    "format = 0\n",
    "tempo = 90\n",
    "bpm = 120.0\n",
    'order = ["a"]\n',
    "[instruments.01]\n",
    'name = "x"\n',
    "[[tracks]]\n",
    "notes = 2\n",
    "effects = 0\n",
    'cc = [74, "cutoff"]\n',
    "[patterns.a]\n",
    "lines = 1\n",
    'rows = """\n',
    "C-4 01 40 ...\n",
    "--- .. .. ... | OFF .. .. ...\n",
    "C-4 01 40 E-4 .. .. 7F\n",
    '"""\n',
]


@FAST
@given(st.lists(st.sampled_from(PIECES + DAMAGE), max_size=40).map("".join))
def test_toml_like_noise_gives_only_song_format_errors(text: str) -> None:
    _check_outcome(text)


@FAST
@given(st.text(max_size=200))
def test_random_text_gives_only_song_format_errors(text: str) -> None:
    _check_outcome(text)


@FAST
@given(st.binary(max_size=200), st.sampled_from([b"", BASE_TEXTS[0].encode()]))
def test_random_bytes_give_only_song_format_errors(noise: bytes, prefix: bytes) -> None:
    try:
        load_bytes(prefix + noise, "noise.toml")
    except SongFormatError as error:
        assert str(error).startswith("noise.toml")
