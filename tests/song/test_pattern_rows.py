"""Reading patterns fast (#16) without changing what a file means or where its errors are:
a part of a row seen before is not read again, so these check the cases where that
could go wrong: a mistake after many rows already read, two mistakes in one row, the
same text in tracks of different shapes."""

from __future__ import annotations

import pytest

from tests.support.builders import build_song
from tracker.errors import SongFormatError
from tracker.song.fileformat import dumps, loads
from tracker.song.model import Instrument, Track

KICK_AND_BASS = "C-2 01 7F ... | E-1 02 60 ..."


def _song_text(rows: list[str], tracks: list[Track] | None = None) -> str:
    """A two-track song whose one pattern holds `rows` (written by the canonical writer,
    then its rows replaced: the rows may be wrong on purpose)."""
    tracks = tracks or [Track("Kick"), Track("Bass")]
    empty = " | ".join("--- .. .. ..." + " .." * len(track.cc) for track in tracks)
    song = build_song(
        "\n".join([empty] * len(rows)),
        tracks=tracks,
        instruments={1: Instrument("Kick", bank=128), 2: Instrument("Bass", program=33)},
    )
    good = dumps(song)
    head, _, _ = good.partition('rows = """\n')
    return head + 'rows = """\n' + "\n".join(rows) + '\n"""\n'


def _line_of(text: str, row: str) -> int:
    return text.split("\n").index(row) + 1


def test_a_song_of_repeated_rows_reads_back_as_written() -> None:
    rows = [KICK_AND_BASS, "--- .. .. ... | OFF .. .. ..."] * 150
    text = _song_text(rows)
    song = loads(text)
    assert dumps(song) == text


def test_a_mistake_after_hundreds_of_rows_read_before_is_placed_at_its_line_and_column() -> None:
    bad = "C-2 01 7F ... | H-1 02 60 ..."
    rows = [KICK_AND_BASS] * 300 + [bad]
    text = _song_text(rows)
    with pytest.raises(SongFormatError, match='unknown note "H-1"') as caught:
        loads(text, "songs/long.toml")
    assert (caught.value.line, caught.value.column) == (_line_of(text, bad), bad.index("H-1") + 1)
    assert str(caught.value).startswith(f"songs/long.toml:{_line_of(text, bad)}:")


def test_of_two_mistakes_in_a_row_the_first_in_the_notation_is_told() -> None:
    # The kick names instrument 0C, which is not defined; the bass has a note that does
    # not exist. The notation is read before the instruments are looked up, as ever.
    bad = "C-2 0C 7F ... | X-1 02 60 ..."
    text = _song_text([KICK_AND_BASS] * 20 + [bad])
    with pytest.raises(SongFormatError, match='unknown note "X-1"') as caught:
        loads(text)
    assert (caught.value.line, caught.value.column) == (_line_of(text, bad), bad.index("X-1") + 1)


def test_an_undefined_instrument_in_a_cell_seen_in_no_other_row_is_placed_at_it() -> None:
    bad = "C-2 01 7F ... | E-1 0C 60 ..."
    text = _song_text([KICK_AND_BASS] * 20 + [bad])
    with pytest.raises(SongFormatError, match="instrument 0C is not defined") as caught:
        loads(text)
    assert (caught.value.line, caught.value.column) == (_line_of(text, bad), bad.index("0C") + 1)


def test_the_same_text_is_read_against_each_tracks_own_shape() -> None:
    # "C-2 01 7F ... 40" is a note and a CC value for the filtered track, one word too
    # many for the plain one.
    tracks = [Track("Filtered", cc=["cutoff"]), Track("Plain")]
    good = "C-2 01 7F ... 40 | C-2 01 7F ..."
    bad = "C-2 01 7F ... 40 | C-2 01 7F ... 40"
    text = _song_text([good] * 10 + [bad], tracks)
    with pytest.raises(
        SongFormatError, match='track "Plain" has 5 fields here, expected 4'
    ) as caught:
        loads(text)
    assert (caught.value.line, caught.value.column) == (_line_of(text, bad), len(bad) - 1)


def test_cc_values_in_either_case_and_empty_read_as_notation_says() -> None:
    tracks = [Track("Filtered", cc=["cutoff"]), Track("Plain")]
    text = _song_text(
        ["--- .. .. ... 7f | --- .. .. ...", "--- .. .. ... .. | --- .. .. ..."], tracks
    )
    song = loads(text)
    assert song.patterns["00"].tracks[0].cc == [[0x7F, None]]
    with pytest.raises(SongFormatError, match="CC value 80 is out of range"):
        loads(text.replace("... 7f |", "... 80 |"))
