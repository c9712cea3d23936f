"""The master stage on signals made here: by default a mix under the ceiling passes
untouched and one over it is lowered as a whole; with a loudness target it lands on
the target, the limiter holding the true peak (read by ffmpeg too), its gain
ramping in ahead of every peak and out after it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile

from tests.support.ffmpeg import ebur128
from tracker.audio.loudness import measure
from tracker.audio.master import (
    ATTACK_DB_PER_SECOND,
    RELEASE_DB_PER_SECOND,
    limiter_gain,
    master,
    peak_levels,
)
from tracker.song.model import MasterSettings

RATE = 48000


def drums_over_a_pad(seconds: float = 8.0) -> npt.NDArray[np.float32]:
    """A soft 220 Hz pad with a hit every half second: a 60 Hz thump that decays,
    its crest far above the pad's level, as a kick's is."""
    t = np.arange(round(seconds * RATE)) / RATE
    pad = 0.05 * np.sin(2 * np.pi * 220 * t)
    since_hit = t % 0.5
    kick = 0.6 * np.exp(-since_hit / 0.08) * np.sin(2 * np.pi * 60 * since_hit)
    left, right = pad + kick, 0.8 * pad + kick
    return np.stack([left, right], axis=1).astype(np.float32)


def test_a_mix_under_the_ceiling_passes_untouched_by_default() -> None:
    mix = drums_over_a_pad()
    mastered, report = master(mix, RATE, MasterSettings())
    assert np.array_equal(mastered, mix)
    assert report.gain_db == 0.0 and report.lowered_db == 0.0 and report.after == report.before


def test_a_mix_over_the_ceiling_is_lowered_as_a_whole_to_it() -> None:
    mix = drums_over_a_pad() * np.float32(2.5)  # +3.5 dBFS
    mastered, report = master(mix, RATE, MasterSettings(true_peak=-2.0))
    assert report.lowered_db == pytest.approx(report.before.true_peak + 2.0, abs=0.06)
    assert measure(mastered, RATE).true_peak <= -2.0
    ratio = mastered[mix != 0] / mix[mix != 0]
    assert np.ptp(ratio) < 1e-5, "one gain for every sample"


@pytest.mark.parametrize("target", [-14.0, -12.0])
def test_a_loudness_target_is_reached_and_the_limiter_holds_the_true_peak(
    target: float, tmp_path: Path
) -> None:
    mix = drums_over_a_pad()
    mastered, report = master(mix, RATE, MasterSettings(loudness=target, true_peak=-1.0))
    assert report.limited_db > 1, "the hits were limited"
    assert report.after.lufs == pytest.approx(target, abs=0.05)
    assert report.after.true_peak <= -1.0
    path = tmp_path / "mastered.wav"
    soundfile.write(path, mastered, RATE, subtype="PCM_24")
    theirs = ebur128(path)
    assert theirs.lufs == pytest.approx(target, abs=0.5)
    assert theirs.true_peak <= -1.0


def test_the_limiter_ramps_in_ahead_of_a_peak_and_out_after_it_without_jumps() -> None:
    envelope = np.full(RATE, 0.1, dtype=np.float32)
    envelope[RATE // 2] = 2.0  # one peak 7 dB over a -1 dBTP ceiling at +0 dB gain
    gain = 20 * np.log10(limiter_gain(peak_levels(envelope), 0.0, -1.0, RATE))
    peak = RATE // 2
    assert gain[peak] <= -1.0 - 20 * np.log10(2.0) + 1e-9
    assert gain[: peak - RATE // 100].max() == 0.0, "untouched until 10 ms before"
    assert gain[peak - 1] < -5, "already down on the frame before"
    steps = np.diff(gain)
    assert steps.min() >= -ATTACK_DB_PER_SECOND / RATE - 1e-9
    assert steps.max() <= RELEASE_DB_PER_SECOND / RATE + 1e-9
    assert gain[-1] == 0.0, "released again"


def test_a_target_reached_under_the_ceiling_takes_one_gain_and_no_limiting() -> None:
    mix = drums_over_a_pad() * np.float32(0.1)
    mastered, report = master(mix, RATE, MasterSettings(loudness=-20.0))
    assert report.limited_db == 0.0
    assert measure(mastered, RATE).lufs == pytest.approx(-20.0, abs=0.01)
    assert report.after.lufs == pytest.approx(-20.0, abs=1e-9)
    ratio = mastered[mix != 0] / mix[mix != 0]
    assert np.ptp(ratio) < 1e-5, "one gain for every sample"
