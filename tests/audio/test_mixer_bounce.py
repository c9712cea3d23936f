"""The mixer heard through real FluidSynth with the system's General MIDI font: a
track's volume and pan change its stem as the strip says, and a song left at 0 dB
and centre renders exactly as it did before the mixer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

from tests.support.builders import build_song
from tracker.audio.bounce import bounce
from tracker.audio.render import render_timeline
from tracker.engine.mixer import MIXER_COLUMN
from tracker.engine.timeline import compile_song
from tracker.song.model import Instrument, Song, Track

# An organ holds its level, so the stems compare note for note; the bass answers it.
BAND = {1: Instrument("Organ", program=16), 2: Instrument("Bass", program=33)}
CHORDS = """
    C-4 01 64 ... | C-2 02 70 ...
    --- .. .. ... | --- .. .. ...
    E-4 01 64 ... | --- .. .. ...
    --- .. .. ... | --- .. .. ...
    G-4 01 64 ... | G-2 02 70 ...
    --- .. .. ... | --- .. .. ...
    --- .. .. ... | --- .. .. ...
    OFF .. .. ... | OFF .. .. ...
"""


def band(**organ: float | int | None) -> Song:
    tracks = [Track("Organ", **organ), Track("Bass")]  # type: ignore[arg-type]
    return build_song(CHORDS, tracks=tracks, instruments=dict(BAND), bpm=120)


def stems(song: Song, soundfont: Path, out: Path) -> list[npt.NDArray[np.float64]]:
    report = bounce(song, out, stems=True, bits="float", soundfont=soundfont, tail=0.5)
    return [np.asarray(soundfile.read(p, dtype="float64", always_2d=True)[0]) for p in report.stems]


def rms_db(audio: npt.NDArray[np.float64]) -> float:
    return float(10 * np.log10(np.mean(audio**2)))


def test_a_track_at_minus_6_db_is_6_db_quieter_and_the_others_are_untouched(
    soundfont: Path, tmp_path: Path
) -> None:
    organ_0, bass_0 = stems(band(), soundfont, tmp_path / "0db")
    organ_6, bass_6 = stems(band(volume_db=-6.0), soundfont, tmp_path / "6db")
    drop = rms_db(organ_0) - rms_db(organ_6)
    assert 5.7 < drop < 6.3, drop  # measured: 6.0 dB; FluidSynth follows the 40 log10 curve
    assert np.array_equal(bass_0, bass_6)


def test_pan_moves_the_tracks_energy_between_left_and_right(
    soundfont: Path, tmp_path: Path
) -> None:
    def left_over_right(pan: int) -> float:
        organ = stems(band(pan=pan, reverb=0, chorus=0), soundfont, tmp_path / str(pan))[0]
        return rms_db(organ[:, :1]) - rms_db(organ[:, 1:])

    hard_left, centre, hard_right = left_over_right(-64), left_over_right(0), left_over_right(63)
    assert hard_left > 20 and hard_right < -20, (hard_left, hard_right)
    assert abs(centre) < 3  # the organ's own samples are not quite centred


def test_a_song_at_0_db_and_centre_renders_exactly_as_without_the_mixer(
    soundfont: Path,
) -> None:
    song = band()
    timeline = compile_song(song)
    before_the_mixer = replace(
        timeline, events=[e for e in timeline.events if e.column != MIXER_COLUMN]
    )
    assert len(before_the_mixer.events) < len(timeline.events)
    with_strips = render_timeline(timeline, song, soundfont, tail_seconds=0.5)
    without = render_timeline(before_the_mixer, song, soundfont, tail_seconds=0.5)
    assert np.array_equal(with_strips, without)


def test_a_reverb_send_adds_a_tail_after_the_notes_end(soundfont: Path, tmp_path: Path) -> None:
    def tail_db(reverb: int) -> float:
        organ = stems(band(reverb=reverb, chorus=0), soundfont, tmp_path / f"rev{reverb}")[0]
        # 8 lines at 120 bpm, 4 lines a beat: the OFF at 0.875 s; the organ's own release
        # is over well before 1.2 s, the reverb's is not.
        return rms_db(organ[round(1.2 * 44100) :])

    assert tail_db(127) > tail_db(0) + 8  # measured: -73 against -85 dBFS
