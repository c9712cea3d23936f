"""Every way a song file can be wrong: each broken fixture in tests/song/data says in
its first line where and how, and the reader's error must agree; hand-edited layouts
(an order over several lines, dotted keys, literal strings) still place errors on the
right spot."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from tests.support.builders import song_from_toml
from tests.support.samples import DEMO
from tracker.errors import SongFormatError
from tracker.song.fileformat import decode, load_bytes, loads
from tracker.song.model import Track

DATA = Path(__file__).parent / "data"
EXPECT = "# expect: "


def _expectation(path: Path) -> tuple[int | None, int | None, str]:
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    where, _, reason = first.removeprefix(EXPECT).partition(": ")
    if where == "-":
        return None, None, reason
    line, column = where.split(":")
    return int(line), int(column), reason


BROKEN = sorted(p for p in DATA.glob("*.toml") if p.read_bytes().startswith(EXPECT.encode()))


class TestBrokenFiles:
    """Each file in tests/song/data is broken in one way; its first line says where and how."""

    def test_every_fixture_is_either_good_or_says_what_is_wrong(self) -> None:
        others = {p.name for p in DATA.glob("*.toml")} - {p.name for p in BROKEN}
        assert others == {"good.toml", "format0.toml"}
        assert len(BROKEN) >= 50

    @pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
    def test_the_error_names_the_file_line_and_column(self, path: Path) -> None:
        line, column, reason = _expectation(path)
        with pytest.raises(SongFormatError) as caught:
            load_bytes(path.read_bytes(), path)
        error = caught.value
        assert (error.line, error.column) == (line, column), error.message
        assert reason in error.reason
        where = f"{path}:{line}:{column}: " if line is not None else f"{path}: "
        assert str(error) == where + error.reason

    @pytest.mark.parametrize("text", ["", "\n\n", "   \n\t\n"])
    def test_an_empty_file_is_refused(self, text: str) -> None:
        with pytest.raises(SongFormatError, match="the file is empty") as caught:
            loads(text, "songs/blank.toml")
        assert str(caught.value).startswith("songs/blank.toml:1:1: ")

    def test_invalid_utf8_points_at_the_bad_byte_on_a_later_line(self) -> None:
        data = 'format = 1\ntitle = "Café \xff"\n'.encode("latin-1")
        with pytest.raises(SongFormatError, match="not UTF-8") as caught:
            decode(data, "x.toml")
        # "Café" was written in Latin-1 too, so its é (0xE9), column 13, is the first bad byte.
        assert (caught.value.line, caught.value.column) == (2, 13)

    def test_a_syntax_error_deep_in_nested_lists_is_still_an_error(self) -> None:
        with pytest.raises(SongFormatError, match="nested too deeply"):
            loads("format = 1\nx = " + "[" * 5000)

    def test_an_error_in_the_second_track_points_at_that_track(self) -> None:
        text = DEMO.replace("notes = 1\neffects = 2", "notes = 13\neffects = 2")
        with pytest.raises(SongFormatError, match="notes = 13 is out of range") as caught:
            loads(text)
        expected_line = text.split("\n").index("notes = 13") + 1
        assert (caught.value.line, caught.value.column) == (expected_line, 9)

    def test_a_bad_cell_in_a_quoted_pattern_gets_its_own_line(self) -> None:
        text = DEMO.replace("| D-2 0A ..\n", "| D-2 0B ..\n")
        with pytest.raises(SongFormatError, match="instrument 0B is not defined") as caught:
            loads(text)
        row = next(ln for ln in text.split("\n") if ln.endswith("D-2 0B .."))
        assert caught.value.line == text.split("\n").index(row) + 1
        assert caught.value.column == row.index("0B") + 1

    def test_unknown_keys_without_a_close_match_list_the_keys_allowed(self) -> None:
        with pytest.raises(
            SongFormatError,
            match=r'unknown key "zzz" in pattern "a" \(expected lines, key, scale, loops, rows\)',
        ):
            song_from_toml("""
                format = 1
                [[tracks]]
                name = "Lead"
                [patterns.a]
                zzz = 1
            """)


class TestHandEditedPlaces:
    """Hand edits lay a file out in other ways; errors must still land on the right spot."""

    def test_an_order_list_over_several_lines(self) -> None:
        text = dedent('''\
            format = 1
            order = [
              "a",
              "b",  # not a pattern
            ]
            [[tracks]]
            name = "Lead"
            [patterns.a]
            lines = 1
            rows = """
            --- .. .. ...
            """
        ''')
        with pytest.raises(SongFormatError, match='order entry 2: no pattern "b"') as caught:
            loads(text)
        assert (caught.value.line, caught.value.column) == (4, 3)

    def test_a_dotted_key_is_found(self) -> None:
        text = 'format = 1\ninstruments.01.nmae = "Piano"\n[[tracks]]\nname = "Lead"\n'
        with pytest.raises(
            SongFormatError, match=r'unknown key "nmae".*did you mean "name"'
        ) as caught:
            loads(text)
        assert (caught.value.line, caught.value.column) == (2, 1)

    def test_rows_in_a_literal_string_of_a_quoted_pattern(self) -> None:
        text = "\n".join(
            [
                "format = 1",
                'title = "He said \\"go\\" [twice]"',
                'order = ["my verse"]',
                "[[tracks]]",
                'name = "Lead"',
                '[patterns."my verse"]',
                "lines = 2",
                "rows = '''",
                "C-4 .. .. ...",
                "C-4 .. .. T0G",
                "'''",
            ]
        )
        with pytest.raises(SongFormatError, match='bad effect value "0G"') as caught:
            loads(text)
        assert (caught.value.line, caught.value.column) == (10, 12)

    def test_the_fixture_helper_reads_indented_toml(self, song_from_toml: object) -> None:
        assert callable(song_from_toml)
        song = song_from_toml("""
            format = 1
            [[tracks]]
            name = "Lead"
        """)
        assert song.tracks == [Track("Lead")]
