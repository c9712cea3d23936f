"""The song file format: what a file means, and how it is written back (byte for byte
when it is canonical). Every way a file can be wrong is in test_fileformat_errors.py,
older formats in test_migrations.py."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from tests.support.builders import build_song, song_from_toml
from tests.support.samples import DEMO
from tracker.errors import SongFormatError
from tracker.song.fileformat import dumps, load_bytes, loads
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
