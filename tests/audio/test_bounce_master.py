"""The bounce's master stage and its report: loudness, range, true peak and gain of the
mix and each stem; a mix that would clip lowered to the ceiling; a loudness target met,
or reported when the ceiling holds it back; the master gain moving the mix alone, the
stems staying as played.

Songs are short (about a second at 240 bpm: tests/support/band.py) and rendered by real
FluidSynth with the system's General MIDI font.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.support.audio import RATE, peak_db
from tests.support.audio import read_render as read
from tests.support.band import BAND, band_song
from tests.support.builders import build_song
from tests.support.ffmpeg import ebur128
from tracker.audio.bounce import bounce
from tracker.audio.loudness import measure
from tracker.audio.render import render_timeline
from tracker.cli.render import report_text
from tracker.engine.timeline import compile_song as _compile
from tracker.song.model import Instrument, MasterSettings, Song, Track


def test_the_report_gives_loudness_range_true_peak_and_gain_of_the_mix_and_each_stem(
    soundfont: Path, tmp_path: Path
) -> None:
    report = bounce(band_song(), tmp_path, stems=True, bits="float", tail=0.5, soundfont=soundfont)
    mix, stems = read(report.mix), [read(p) for p in report.stems]
    assert report.level == measure(mix.astype(np.float32), RATE)
    assert report.stem_levels == [measure(s.astype(np.float32), RATE) for s in stems]
    assert report.level.lufs is not None and -50 < report.level.lufs < report.level.true_peak
    assert report.master.gain_db == 0.0 and report.master.before == report.level
    assert not report.level.clips and report.warnings == []


def band_at_full_velocity() -> Song:
    """Kicks, snares, two basses and brass, six of each at once at full velocity: over
    full scale as played (+1.3 dBFS)."""

    def hit(note: str, instrument: int) -> str:
        return " ".join([f"{note} {instrument:02d} 7F ..."] * 6)

    rest = " | ".join([" ".join(["--- .. .. ..."] * 6)] * 5)
    hits = " | ".join([hit("C-2", 3), hit("D-2", 3), hit("C-1", 2), hit("C-2", 2), hit("C-3", 1)])
    tracks = [Track(name, notes=6) for name in ("Kick", "Snare", "Bass", "Bass 2", "Brass")]
    band = {1: Instrument("Brass", program=61), 2: Instrument("Bass", program=33), 3: BAND[3]}
    return build_song("\n".join([hits, rest, rest, rest] * 2), tracks=tracks, instruments=band)


def test_a_song_whose_peaks_would_clip_is_lowered_to_the_ceiling_and_says_by_how_much(
    soundfont: Path, tmp_path: Path
) -> None:
    song = band_at_full_velocity()
    played = render_timeline(_compile(song), song, soundfont, RATE)
    assert peak_db(played) > 0, "the song as played goes over full scale"

    report = bounce(song, tmp_path, bits="16", soundfont=soundfont)
    written = read(report.mix)
    assert np.max(np.abs(written)) < 10 ** (-1 / 20), "no sample near full scale"
    assert not any("clipped" in w for w in report.warnings)
    lowered = report.master.lowered_db
    assert lowered == pytest.approx(report.master.before.true_peak + 1.0, abs=0.1)
    assert report.master.gain_db == -lowered
    assert f"-{lowered:.1f} dB: lowered {lowered:.1f} dB to the -1.0 dBTP ceiling" in report_text(
        report
    )
    assert ebur128(report.mix).true_peak <= -1.0
    # One gain for the whole mix: the song as played, lowered.
    scaled = played * 10 ** (-lowered / 20)
    assert peak_db(written - scaled[: written.shape[0]]) < -80  # 16-bit steps


def test_stems_stay_as_played_and_add_up_to_the_mix_before_the_master_stage(
    soundfont: Path, tmp_path: Path
) -> None:
    song = band_song()
    song.master = MasterSettings(loudness=-14.0)
    played = render_timeline(_compile(song), song, soundfont, RATE, tail_seconds=0.5)
    report = bounce(song, tmp_path, stems=True, bits="float", tail=0.5, soundfont=soundfont)
    stems = [read(p) for p in report.stems]
    assert peak_db(sum(stems) - played) < -90
    mix = read(report.mix)
    assert report.level.lufs == pytest.approx(-14.0, abs=0.05)
    assert report.master.gain_db > 10 and peak_db(mix) > peak_db(played) + 10


def test_a_target_too_loud_for_the_ceiling_is_reported_with_what_the_mix_reaches(
    soundfont: Path, tmp_path: Path
) -> None:
    song = band_song()
    song.master = MasterSettings(loudness=-2.0, true_peak=-6.0)
    report = bounce(song, tmp_path, bits="float", tail=0.5, soundfont=soundfont)
    reached = report.level.lufs
    assert reached is not None and reached < -2.5
    assert report.warnings == [
        f"the mix reaches {reached:.1f} LUFS, not -2.0: the limiter holds -6.0 dBTP"
    ]
    assert report.level.true_peak <= -6.0


def test_the_master_gain_moves_the_mix_alone(soundfont: Path, tmp_path: Path) -> None:
    song = band_song()
    song.master = MasterSettings(gain_db=-6.0)
    report = bounce(song, tmp_path, stems=True, bits="float", tail=0.5, soundfont=soundfont)
    stems = [read(p) for p in report.stems]
    assert peak_db(read(report.mix) - sum(stems) * 10 ** (-6 / 20)) < -90
    before = report.master.before.lufs
    assert report.master.gain_db == -6.0 and before is not None
    assert report.level.lufs == pytest.approx(before - 6.0, abs=0.01)
