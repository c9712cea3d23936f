"""Song format versions: a newer format refused naming both versions, a format 0 file
read as the same song in format 1, and migrations that chain so a new format needs
one function."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.builders import song_from_toml
from tracker.errors import SongFormatError
from tracker.song import fileformat
from tracker.song.fileformat import dumps, load_bytes, loads
from tracker.song.model import FORMAT_VERSION

DATA = Path(__file__).parent / "data"


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
