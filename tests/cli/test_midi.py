"""`tracker export-midi` of a song that varies by pass: the same bytes every run, every
chancy note kept through an edit elsewhere, and --seed."""

from __future__ import annotations

from pathlib import Path

import mido

from tests.cli.test_render_seed import HAT_LINES, chancy_song, hats_song, tracker
from tracker.song.model import Cell
from tracker.song.storage import save_song


def export(song_path: Path, out: Path, *args: str) -> bytes:
    tracker("export-midi", song_path, "-o", out, *args)
    return out.read_bytes()


def notes_of(path: Path, name: str) -> list[tuple[int, int, int]]:
    """(absolute tick, note, velocity) of each note-on of the named MIDI track."""
    track = next(t for t in mido.MidiFile(path).tracks if t.name == name)
    found, now = [], 0
    for message in track:
        now += message.time
        if message.type == "note_on" and message.velocity:
            found.append((now, message.note, message.velocity))
    return found


def test_a_chancy_song_exports_the_same_bytes_every_time(tmp_path: Path) -> None:
    song_path = tmp_path / "dice.toml"
    save_song(chancy_song(), song_path)
    first = export(song_path, tmp_path / "one.mid")
    assert export(song_path, tmp_path / "two.mid") == first
    heard = notes_of(tmp_path / "one.mid", "Dice")
    assert 0 < len(heard) < 24  # chance left some passes out, not all
    assert len(notes_of(tmp_path / "one.mid", "Bass")) == 8  # I13: passes 1, 4, ... 22


def test_an_edit_to_another_track_leaves_every_chancy_note_as_it_was(tmp_path: Path) -> None:
    song = chancy_song()
    song_path = tmp_path / "dice.toml"
    save_song(song, song_path)
    export(song_path, tmp_path / "before.mid")
    song.patterns["00"].tracks[1].columns[0][0] = Cell(note=43, instrument=2, volume=0x50)
    save_song(song, song_path)
    export(song_path, tmp_path / "after.mid")
    assert notes_of(tmp_path / "after.mid", "Bass") != notes_of(tmp_path / "before.mid", "Bass")
    assert notes_of(tmp_path / "after.mid", "Dice") == notes_of(tmp_path / "before.mid", "Dice")


def test_seed_exports_another_roll(tmp_path: Path) -> None:
    song_path = tmp_path / "dice.toml"
    save_song(chancy_song(seed=77), song_path)
    rolled = export(song_path, tmp_path / "rolled.mid", "--seed", "78")
    saved_with_78 = tmp_path / "dice78.toml"
    save_song(chancy_song(seed=78), saved_with_78)
    assert export(saved_with_78, tmp_path / "78.mid") == rolled
    export(song_path, tmp_path / "77.mid")
    assert notes_of(tmp_path / "rolled.mid", "Dice") != notes_of(tmp_path / "77.mid", "Dice")


def test_a_looping_track_lands_in_the_export_where_the_expansion_says(tmp_path: Path) -> None:
    song_path = tmp_path / "hats.toml"
    save_song(hats_song(), song_path)
    export(song_path, tmp_path / "hats.mid")
    ticks_per_line = mido.MidiFile(tmp_path / "hats.mid").ticks_per_beat // 4
    assert notes_of(tmp_path / "hats.mid", "Hats") == [
        (line * ticks_per_line, 42, 0x70) for line in HAT_LINES
    ]
