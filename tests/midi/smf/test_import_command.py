"""The import command: it writes a song file that loads back as the import read it,
never over an existing song without --force, none at all from a broken file, and
refuses bad arguments as usage errors.

Files are written here at test time with mido (tests/support/midi_writing.py: 480 ticks
per beat, 4 lines per beat, a line is 120 ticks unless a test says otherwise).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.midi_writing import C4, TPB, cc, midi_track, note, program, tempo, write
from tracker.cli.midi import import_command
from tracker.errors import MidiFileError, UsageError
from tracker.midi.smf.import_ import import_midi
from tracker.song.storage import load_song


def test_import_command_writes_a_song_file_that_loads_back_the_same(
    mid: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(mid, midi_track(tempo(0, 90), program(0, 40), note(0, TPB, C4), cc(0, 7, 90)))
    out = tmp_path / "song.toml"

    assert import_command(mid, out, lpb=8, tracks_by="channel") == 0

    song, _ = import_midi(mid, lpb=8)
    assert load_song(out) == song
    printed = capsys.readouterr().out
    assert "1 note imported" in printed


def test_import_command_leaves_an_existing_song_alone_without_force(
    mid: Path, tmp_path: Path
) -> None:
    write(mid, midi_track(note(0, TPB, C4)))
    out = tmp_path / "song.toml"
    out.write_text("mine")

    with pytest.raises(UsageError, match="--force"):
        import_command(mid, out)
    assert out.read_text() == "mine"


def test_a_broken_file_writes_no_song(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mid"
    broken.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\x00\x00\x01\x00")
    out = tmp_path / "song.toml"

    with pytest.raises(MidiFileError):
        import_command(broken, out)
    assert list(tmp_path.iterdir()) == [broken]


def test_bad_arguments_are_usage_errors(mid: Path) -> None:
    write(mid, midi_track(note(0, TPB, C4)))
    with pytest.raises(UsageError):
        import_midi(mid, lpb=0)
    with pytest.raises(UsageError):
        import_midi(mid, tracks_by="colour")  # type: ignore[arg-type]
