"""Bad song files over long lists, through the reader directly: every cut of a valid
song and every wrong type is a SongFormatError placed in the file, never a crash and
never a song read wrong.
"""

from __future__ import annotations

import pytest

from tests.support.samples import SONG
from tracker.errors import SongFormatError
from tracker.song.fileformat import load_bytes, loads


def _outcome(text: str) -> str:
    """ "ok" when the text reads as the full song, else the error (which must be placed)."""
    try:
        song = loads(text, "cut.toml")
    except SongFormatError as error:
        assert error.path == "cut.toml"
        if error.line is not None:
            assert 1 <= error.line <= text.count("\n") + 1, (error.line, len(text))
        return str(error)
    assert song == loads(SONG)
    return "ok"


def test_every_cut_of_a_valid_song_is_an_error_or_the_whole_song() -> None:
    """Cut after each character: the only cuts that read are those that drop nothing
    but the final newline; every other gives a placed SongFormatError."""
    readable = [length for length in range(len(SONG)) if _outcome(SONG[:length]) == "ok"]
    assert readable == [len(SONG) - 1]


def test_every_cut_of_the_bytes_inside_a_multibyte_character_is_placed() -> None:
    data = SONG.replace('"Hostile"', '"Ĥöštïlé ♫"').encode()
    start = data.index("Ĥ".encode())
    for length in range(start, start + 16):
        with pytest.raises(SongFormatError) as caught:
            load_bytes(data[:length], "cut.toml")
        assert str(caught.value).startswith("cut.toml:")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('title = "Hostile"', "title = 1979-05-27", "title should be text"),
        ('title = "Hostile"', "title = [1, 2]", "title should be text"),
        ("lpb = 4", "lpb = 4.5", "lpb should be a whole number"),
        ("lpb = 4", "lpb = true", "lpb should be a whole number"),
        ("tpl = 6", 'tpl = "6"', "tpl should be a whole number"),
        ('order = ["verse", "verse"]', 'order = "verse"', "order should be a [list]"),
        ('order = ["verse", "verse"]', "order = [1]", "order entries should be pattern names"),
        ("[instruments.01]", "[[instruments]]", "instruments should be written as"),
        ("program = 0", 'program = "piano"', "program should be a whole number"),
        ("program = 0", "program = 128", "program = 128 is out of range"),
        ("notes = 2", 'notes = 2\nmute = "yes"', "mute should be true or false"),
        ("notes = 2", "notes = []", "notes should be a whole number"),
        (
            "effects = 1\n\n[[tracks]]",
            "effects = {}\n\n[[tracks]]",
            "effects should be a whole number",
        ),
        ("[patterns.verse]", "[[patterns]]", "patterns should be written as"),
        ("lines = 4", "lines = 4.0", "lines should be a whole number"),
        ('rows = """', 'rows = 5\nx = """', "unknown key"),
        ("format = 1", 'format = "1"', "format should be a whole number"),
        ("format = 1", "format = 2", "newer tracker"),
        ("format = 1", "format = -9223372036854775809", "not a song format this tracker knows"),
        ("notes = 2", "notes = 2\ncc = [" + "1, " * 9 + "]", "at most 8 CC lanes"),
        ("notes = 2", 'notes = 2\ncc = ["' + "9" * 5000 + '"]', "CC lane"),
    ],
)
def test_a_wrong_type_anywhere_is_a_placed_error(old: str, new: str, message: str) -> None:
    assert old in SONG
    with pytest.raises(SongFormatError) as caught:
        loads(SONG.replace(old, new, 1), "typed.toml")
    assert message in str(caught.value)
    assert caught.value.line is not None
