"""A bounce that cannot be done: a missing soundfont, an output folder that cannot be
made, a failure while writing and impossible options are clear errors, and none leaves
a file behind (an older mix stays as it was).

Songs are short (about a second at 240 bpm: tests/support/band.py) and rendered by real
FluidSynth with the system's General MIDI font.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.band import band_song
from tracker.audio.bounce import bounce
from tracker.engine.events import Timeline
from tracker.errors import AudioError, MidiFileError, SoundfontError, UsageError
from tracker.midi.smf import export_timeline
from tracker.song.model import Song


def test_a_missing_soundfont_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(SoundfontError, match=r"soundfont .*missing\.sf2 does not exist"):
        bounce(band_song(), out, stems=True, soundfont=tmp_path / "missing.sf2")
    assert not out.exists() or list(out.iterdir()) == []


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(
    soundfont: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where the folder should go\n")
    with pytest.raises(AudioError, match=r"cannot create the output folder .*notes\.txt/renders"):
        bounce(band_song(), blocker / "renders", soundfont=soundfont)


def test_a_failure_while_writing_leaves_no_file_behind(soundfont: Path, tmp_path: Path) -> None:
    (tmp_path / "mix.wav").write_bytes(b"yesterday's mix")

    def failing_midi(timeline: Timeline, song: Song, track: int, path: Path) -> None:
        if track == 1:
            raise MidiFileError("disk full")
        export_timeline(timeline, song, path, tracks={track})

    with pytest.raises(MidiFileError, match="disk full"):
        bounce(band_song(), tmp_path, stems=True, soundfont=soundfont, midi_writer=failing_midi)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mix.wav"]
    assert (tmp_path / "mix.wav").read_bytes() == b"yesterday's mix"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fmt": "flac", "bits": "float"}, "FLAC stores whole-number samples only"),
        ({"fmt": "mp3"}, "unknown format 'mp3'"),
        ({"rate": 22050}, "unsupported sample rate 22050"),
        ({"bits": 8}, "unsupported bit depth 8"),
        ({"from_order": 2}, "--from 2: the order list has entries 0 to 1"),
        ({"from_order": 1, "to_order": 0}, "--to 0: expected an order entry from 1 to 1"),
    ],
)
def test_impossible_options_are_refused_before_rendering(
    soundfont: Path, tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        bounce(band_song(), tmp_path / "out", soundfont=soundfont, **options)  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()
