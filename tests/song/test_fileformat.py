"""The song file format: what a file means, how it is written back, and every way it can be wrong."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from tests.support.builders import build_song, song_from_toml
from tracker.errors import SongFormatError
from tracker.song import fileformat
from tracker.song.fileformat import decode, dumps, load_bytes, loads
from tracker.song.model import (
    FORMAT_VERSION,
    NOTE_CUT,
    NOTE_OFF,
    Cell,
    Effect,
    Instrument,
    Song,
    Track,
)

DATA = Path(__file__).parent / "data"
EXPECT = "# expect: "

# Written by hand in the canonical layout (fileformat's docstring): saving it must not change a byte.
DEMO = '''\
format = 1
title = "Demo \\"live\\" take"
bpm = 124.5
lpb = 4
tpl = 6
swing = 0.25
soundfont = "instruments/piano.sf2"
order = ["intro", "verse", "verse", "my chorus"]

[instruments.01]
name = "Piano"
soundfont = "default"
program = 0

[instruments.02]
name = "Bass synth"
device = "generic"
channel = 2

[instruments.0A]
name = "Drums"
soundfont = "default"
program = 0
bank = 128
channel = 10
volume = 90

[[tracks]]
name = "Keys"
notes = 2
effects = 1
cc = ["cutoff", 74]

[[tracks]]
name = "Bass"
notes = 1
effects = 2
mute = true

[[tracks]]
name = "Drums"
notes = 1
effects = 0
solo = true

[patterns.intro]
lines = 2
rows = """
C-4 01 64 ... E-4 01 .. ... 40 .. | C-2 02 7F ... ... | C-2 0A 7F
--- .. .. ... --- .. .. ... .. 10 | OFF .. .. Q03 U10 | ^^^ .. ..
"""

[patterns.verse]
lines = 1
rows = """
A#3 01 .. A37 --- .. .. ... .. .. | --- .. .. ... ... | --- .. ..
"""

[patterns."my chorus"]
lines = 1
rows = """
--- .. .. ... --- .. .. ... .. .. | G-1 02 40 ... ... | D-2 0A ..
"""
'''


class TestReading:
    def test_the_demo_means_what_it_says(self) -> None:
        song = loads(DEMO)
        assert song.title == 'Demo "live" take'
        assert (song.bpm, song.lpb, song.tpl, song.swing) == (124.5, 4, 6, 0.25)
        assert song.soundfont == "instruments/piano.sf2"
        assert song.order == ["intro", "verse", "verse", "my chorus"]
        assert song.instruments[1] == Instrument("Piano", soundfont="default", program=0)
        # A device instrument without a soundfont line has no soundfont at all.
        assert song.instruments[2] == Instrument(
            "Bass synth", soundfont=None, device="generic", channel=2
        )
        assert song.instruments[0x0A].is_drum_kit
        assert song.instruments[0x0A].volume == 90
        assert song.tracks == [
            Track("Keys", notes=2, effects=1, cc=["cutoff", "74"]),
            Track("Bass", notes=1, effects=2, mute=True),
            Track("Drums", notes=1, effects=0, solo=True),
        ]
        assert song.format == FORMAT_VERSION

    def test_the_demo_cells_are_the_notes_written(self) -> None:
        song = loads(DEMO)
        intro = song.patterns["intro"]
        assert intro.lines == 2
        assert song.cell("intro", 0, 0, 0) == Cell(note=60, instrument=1, volume=0x64)
        assert song.cell("intro", 0, 1, 0) == Cell(note=64, instrument=1)
        assert intro.tracks[0].cc == [[0x40, None], [None, 0x10]]  # cutoff, then CC 74
        assert song.cell("intro", 1, 0, 1) == Cell(
            note=NOTE_OFF, effects=(Effect("Q", 3), Effect("U", 0x10))
        )
        assert song.cell("intro", 2, 0, 1) == Cell(note=NOTE_CUT, effects=())
        assert song.cell("verse", 0, 0, 0) == Cell(
            note=58, instrument=1, effects=(Effect("A", 0x37),)
        )

    def test_a_minimal_file_takes_the_defaults(self) -> None:
        song = song_from_toml("""
            format = 1

            [[tracks]]
            name = "Lead"
        """)
        assert song == Song(title="Untitled", tracks=[Track("Lead")])

    def test_hand_written_variants_are_understood(self) -> None:
        song = song_from_toml('''
            format = 1
            bpm = 124          # a whole number is fine for a tempo
            order = ["a"]
            instruments.0a.name = "Strings"   # lower-case hex, dotted key

            [[tracks]]
            name = "Lead"
            cc = ["74"]        # a CC number written as text

            [patterns.a]
            lines = 2
            rows = """
              db4 0a 7f q03 4a
              off .. .. ... ..
            """
        ''')
        assert song.bpm == 124.0
        assert song.instruments == {10: Instrument("Strings")}
        assert song.tracks[0].cc == ["74"]
        assert song.cell("a", 0, 0, 0) == Cell(
            note=61, instrument=10, volume=0x7F, effects=(Effect("Q", 3),)
        )
        assert song.cell("a", 0, 0, 1) == Cell(note=NOTE_OFF)
        assert song.patterns["a"].tracks[0].cc == [[0x4A, None]]

    def test_windows_line_endings_and_a_byte_order_mark_are_accepted(self) -> None:
        data = ("\ufeff" + DEMO).replace("\n", "\r\n").encode("utf-8")
        assert load_bytes(data) == loads(DEMO)

    def test_a_row_error_in_a_windows_file_still_has_its_line(self) -> None:
        text = DEMO.replace("A#3 01 .. A37", "A#3 01 .. X37").replace("\n", "\r\n")
        with pytest.raises(SongFormatError) as caught:
            loads(text)
        line = DEMO.split("\n").index(next(ln for ln in DEMO.split("\n") if ln.startswith("A#3")))
        assert (caught.value.line, caught.value.column) == (line + 1, 11)


class TestWriting:
    def test_a_canonical_file_is_written_back_byte_for_byte(self) -> None:
        assert dumps(loads(DEMO)) == DEMO

    @pytest.mark.parametrize("name", ["good.toml"])
    def test_the_fixture_base_is_canonical(self, name: str) -> None:
        text = (DATA / name).read_text()
        assert dumps(loads(text)) == text

    def test_a_new_song_is_written_in_the_documented_layout(self) -> None:
        song = build_song(
            """
            C-4 01 64 ...
            OFF .. .. ...
            """,
            tracks=[Track("Lead")],
        )
        assert dumps(song) == dedent('''\
            format = 1
            title = "Test"
            bpm = 120.0
            lpb = 4
            tpl = 6
            swing = 0.0
            order = ["00"]

            [instruments.01]
            name = "Piano"
            soundfont = "default"
            program = 0

            [[tracks]]
            name = "Lead"
            notes = 1
            effects = 1

            [patterns.00]
            lines = 2
            rows = """
            C-4 01 64 ...
            OFF .. .. ...
            """
        ''')

    def test_a_track_remembers_its_instrument_in_hex_and_only_when_it_has_one(self) -> None:
        song = loads(DEMO)
        song.tracks[1].instrument = 0x0A
        text = dumps(song)
        assert (
            '[[tracks]]\nname = "Bass"\nnotes = 1\neffects = 2\nmute = true\ninstrument = "0A"\n'
            in text
        )
        assert text.count("instrument =") == 1, "a track with none says nothing"
        assert loads(text).tracks[1].instrument == 0x0A
        assert [t.instrument for t in loads(text).tracks] == [None, 0x0A, None]

    def test_comments_and_hand_layout_do_not_survive_a_save(self) -> None:
        text = DEMO.replace("lpb = 4", "lpb   =   4   # four lines per beat")
        assert loads(text) == loads(DEMO)
        assert dumps(loads(text)) == DEMO

    def test_hand_written_values_are_written_in_canonical_form(self) -> None:
        song = song_from_toml("""
            format = 1
            bpm = 124
            [[tracks]]
            name = "Lead"
            cc = ["074"]
        """)
        text = dumps(song)
        assert "bpm = 124.0\n" in text
        assert "cc = [74]\n" in text

    def test_free_text_is_escaped_so_it_reads_back(self) -> None:
        title = 'Quote " backslash \\ newline \n tab \t bell \x07 é ♪'
        song = Song(title=title, tracks=[Track('Name with "quotes"')])
        assert loads(dumps(song)).title == title
        assert loads(dumps(song)).tracks[0].name == 'Name with "quotes"'

    def test_a_song_whose_patterns_do_not_fit_its_tracks_is_refused(self) -> None:
        song = build_song("C-4 01 64 ...", tracks=[Track("Lead")])
        song.tracks.append(Track("Bass"))
        with pytest.raises(SongFormatError, match='pattern "00" has 1 tracks, the song 2'):
            dumps(song)

    def test_an_instrument_with_neither_soundfont_nor_device_is_refused(self) -> None:
        song = Song(tracks=[Track("Lead")], instruments={3: Instrument("Ghost", soundfont=None)})
        with pytest.raises(
            SongFormatError, match='instrument 03 "Ghost" needs a soundfont or a device'
        ):
            dumps(song)


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


class TestVersions:
    def test_a_newer_format_is_refused_with_both_versions_named(self) -> None:
        with pytest.raises(SongFormatError) as caught:
            loads((DATA / "good.toml").read_text().replace("format = 1", "format = 2"), "x.toml")
        assert str(caught.value) == (
            "x.toml:1:10: this song was written by a newer tracker (format 2); "
            "this version reads format 1"
        )

    def test_a_format_0_file_reads_as_the_same_song_written_in_format_1(self) -> None:
        old = load_bytes((DATA / "format0.toml").read_bytes())
        assert old == song_from_toml('''
            format = 1
            title = "Draft"
            bpm = 98.0
            order = ["a"]
            [instruments.01]
            name = "Piano"
            [[tracks]]
            name = "Keys"
            notes = 2
            effects = 0
            [patterns.a]
            lines = 2
            rows = """
            C-4 01 40 E-4 01 40
            OFF .. .. OFF .. ..
            """
        ''')
        assert dumps(old).startswith(f"format = {FORMAT_VERSION}\n")

    def test_migrations_chain_so_a_new_format_needs_one_function(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Pretend format 2 exists: a format-0 file must pass through 0 -> 1 -> 2."""
        steps: list[int] = []

        def to_format_2(raw: dict[str, object]) -> dict[str, object]:
            steps.append(raw["format"])  # type: ignore[arg-type]
            raw["title"] = f"{raw['title']} (from format 1)"
            return raw

        monkeypatch.setattr(fileformat, "FORMAT_VERSION", 2)
        monkeypatch.setitem(fileformat.MIGRATIONS, 1, to_format_2)
        song = load_bytes((DATA / "format0.toml").read_bytes())
        assert song.bpm == 98.0  # the 0 -> 1 step ran (tempo became bpm) ...
        assert song.title == "Draft (from format 1)"  # ... then the 1 -> 2 step
        assert steps == [1]  # each step sees the dict stamped with the version it migrates from
