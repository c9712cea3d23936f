"""What each instrument sounds through in the offline bounce: a hardware device through
its fallback General MIDI program, an instrument with its own soundfont through that
file from the song's folder, and a missing one named in the error.

Songs are short (about a second at 240 bpm: tests/support/band.py) and rendered by real
FluidSynth with the system's General MIDI font.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.support.audio import peak_db
from tests.support.audio import read_render as read
from tests.support.builders import build_song
from tracker.audio.bounce import bounce
from tracker.errors import SoundfontError
from tracker.song.model import Instrument, Song


def test_a_hardware_device_renders_through_its_fallback_program(
    soundfont: Path, tmp_path: Path
) -> None:
    # tracker/instruments/data/devices/microfreak.toml stands in as GM program 80 (Lead 1, square).
    riff = "C-4 01 70 ...\n--- .. .. ...\nE-4 01 70 ...\nOFF .. .. ..."
    device = build_song(riff, instruments={1: Instrument("Freak", device="microfreak", program=3)})
    stand_in = build_song(riff, instruments={1: Instrument("Square lead", program=80)})
    own_program = build_song(riff, instruments={1: Instrument("Harpsichord", program=3)})

    def mix(song: Song, name: str) -> np.ndarray:
        return read(bounce(song, tmp_path / name, bits="float", soundfont=soundfont).mix)

    rendered = mix(device, "device")
    assert peak_db(rendered) > -40
    assert np.array_equal(rendered, mix(stand_in, "stand-in"))
    assert not np.array_equal(rendered, mix(own_program, "own"))


def test_an_instrument_with_its_own_font_plays_it_from_the_songs_folder(
    soundfont: Path, tmp_path: Path
) -> None:
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "keys.sf2").symlink_to(soundfont)
    riff = "C-4 01 64 ...\nE-4 02 64 ...\nOFF .. .. ..."
    own = build_song(
        riff,
        instruments={
            1: Instrument("Own piano", soundfont="fonts/keys.sf2"),
            2: Instrument("EP", program=4),
        },
    )
    default = build_song(riff, instruments={1: Instrument("Piano"), 2: Instrument("EP", program=4)})
    mixes = [
        read(
            bounce(song, tmp_path / name, bits="float", soundfont=soundfont, song_dir=tmp_path).mix
        )
        for song, name in ((own, "own"), (default, "default"))
    ]
    assert peak_db(mixes[0]) > -40
    assert np.array_equal(mixes[0], mixes[1]), "the same font file, so the same sound"


def test_an_instruments_missing_font_is_named_in_the_error(soundfont: Path, tmp_path: Path) -> None:
    song = build_song("C-4 01 64 ...", instruments={1: Instrument("Strings", soundfont="str.sf2")})
    with pytest.raises(
        SoundfontError, match=r'instrument 01 "Strings": soundfont .*str\.sf2 does not'
    ):
        bounce(song, tmp_path / "out", soundfont=soundfont, song_dir=tmp_path)
