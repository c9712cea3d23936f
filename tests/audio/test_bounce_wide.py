"""A 14-bit lane in the bounce: FluidSynth has no 14-bit controllers of its own, so it
gets the value's upper 7 bits on the MSB controller, the same sound as a 7-bit lane."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

from tests.support.audio import peak_db
from tests.support.builders import build_song
from tracker.audio.bounce import bounce
from tracker.song.model import Track


def mix(soundfont: Path, folder: Path, lane: str, value: str) -> np.ndarray:
    rows = (
        f"C-4 01 64 ... {value}\n--- .. .. ... {'.' * len(value)}\nOFF .. .. ... {'.' * len(value)}"
    )
    song = build_song(rows, tracks=[Track("Keys", cc=[lane])], bpm=240)
    report = bounce(song, folder, bits="float", tail=0.2, soundfont=soundfont)
    audio, _rate = soundfile.read(report.mix, dtype="float32")
    return np.asarray(audio)


def test_a_14_bit_volume_lane_sounds_as_its_msb_on_a_7_bit_lane(
    soundfont: Path, tmp_path: Path
) -> None:
    loud_wide = mix(soundfont, tmp_path / "a", "cc14:7", "3F80")
    loud_plain = mix(soundfont, tmp_path / "b", "7", "7F")
    quiet_wide = mix(soundfont, tmp_path / "c", "cc14:7", "2000")
    quiet_plain = mix(soundfont, tmp_path / "d", "7", "40")
    assert peak_db(loud_wide) > -40
    assert np.array_equal(loud_wide, loud_plain)
    assert np.array_equal(quiet_wide, quiet_plain)
    assert peak_db(quiet_wide) < peak_db(loud_wide) - 6
