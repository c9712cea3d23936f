"""The master stage on signals made here: by default a mix under the ceiling passes
untouched and one over it is lowered as a whole; with a loudness target it lands on
the target, the limiter holding the true peak (read by ffmpeg too), its gain
ramping in ahead of every peak and out after it. The limiter streams: piece by
piece, a render's mix masters to the same bits as the whole mix at once did (the
whole-array master of before, kept here as the oracle)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile

from tests.audio.test_sinks import riff_song
from tests.support.ffmpeg import ebur128
from tracker.audio.bounce import bounce
from tracker.audio.loudness import Loudness, analyse, integrated, measure
from tracker.audio.master import (
    ATTACK_DB_PER_SECOND,
    LIMITER_OVERSAMPLING,
    MARGIN_DB,
    RELEASE_DB_PER_SECOND,
    ROUNDS,
    TARGET_TOLERANCE,
    Limiter,
    MasterReport,
    limiter_gain,
    master,
    peak_levels,
)
from tracker.audio.render import PIECE
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


def test_the_limiter_fed_in_pieces_carries_its_ramps_across_every_edge() -> None:
    # Two peaks 8 and 20 dB over the ceiling: the attack ramps begin pieces before
    # them and the release runs on after, across edges cut at the peak's own frame,
    # one frame either side, and one frame at a time around them.
    peaks = np.full(3 * RATE, -30.0)
    peaks[RATE] = 7.0
    peaks[2 * RATE + 5] = 19.0
    whole = whole_array_limiter_gain(peaks, 0.0, -1.0, RATE)
    assert whole.min() < 0.1, "the limiter acts"
    edges = [0, 9, RATE - 700, RATE - 1, RATE, RATE + 1, *range(RATE + 2, RATE + 40)]
    edges += [2 * RATE, 2 * RATE + 5, 2 * RATE + 6, 3 * RATE]
    limiter = Limiter(peaks.size, 0.0, -1.0, RATE, float(peaks.max()))
    cut = [peaks[a:b] for a, b in itertools.pairwise(edges)]
    assert np.array_equal(np.concatenate(list(limiter.curves(cut))), whole)
    assert np.array_equal(limiter_gain(peaks, 0.0, -1.0, RATE), whole)


@pytest.mark.parametrize(("target", "ceiling", "limited"), [(-10.0, -1.0, 0.5), (-4.0, -2.0, 6.0)])
def test_a_render_masters_piece_by_piece_to_the_bits_of_the_whole_mix_at_once(
    target: float, ceiling: float, limited: float, soundfont: Path, tmp_path: Path
) -> None:
    # 20 s of keys and bass (about -31 LUFS, peaks at -21 dB): the mix crosses 27
    # pieces, and raised to -4 LUFS under -2 dBTP the limiter takes 6 dB and more.
    song = riff_song(20)
    raw = bounce(song, tmp_path / "raw", bits="float", soundfont=soundfont)
    assert raw.master.gain_db == 0.0, "the mix as played"
    song.master = MasterSettings(loudness=target, true_peak=ceiling)
    done = bounce(song, tmp_path / "mastered", bits="float", soundfont=soundfont)
    mix = soundfile.read(raw.mix, dtype="float32")[0]
    assert mix.shape[0] > 20 * PIECE
    expected, report = whole_array_master(mix, 44100, song.master)
    assert report.limited_db > limited, "the limiter acts"
    assert np.array_equal(soundfile.read(done.mix, dtype="float32")[0], expected)
    assert done.master == report


# -- the whole-array master of before (the mix and its envelope in memory), the oracle --


def whole_array_master(
    audio: npt.NDArray[np.float32], rate: int, settings: MasterSettings
) -> tuple[npt.NDArray[np.float32], MasterReport]:
    """tracker.audio.master.master before it streamed, with a target, as it was."""
    assert settings.loudness is not None
    before, envelope = analyse(audio, rate, LIMITER_OVERSAMPLING)
    assert before.lufs is not None
    target, ceiling = settings.loudness, settings.true_peak - MARGIN_DB
    gain = target - before.lufs
    peaks = peak_levels(envelope)
    assert float(peaks.max()) + gain > ceiling, "a mix the limiter works on"
    slope = 1.0
    tried: list[tuple[float, float]] = []
    for _ in range(ROUNDS):
        curve = whole_array_limiter_gain(peaks, gain, ceiling, rate)
        mastered = _apply(audio, gain, curve)
        reached = integrated(mastered, rate)
        assert reached is not None
        if abs(target - reached) <= TARGET_TOLERANCE:
            break
        if tried:
            last_gain, last_reached = tried[-1]
            if gain != last_gain and reached != last_reached:
                slope = max(0.05, (reached - last_reached) / (gain - last_gain))
        tried.append((gain, reached))
        gain += (target - reached) / slope
    after = measure(mastered, rate)
    if after.true_peak > ceiling:
        trim = ceiling - after.true_peak
        mastered = _apply(mastered, trim, None)
        gain += trim
        assert after.lufs is not None
        after = Loudness(
            after.peak_dbfs + trim, after.true_peak + trim, after.lufs + trim, after.lra
        )
    limited = -20.0 * math.log10(float(curve.min()))
    return mastered, MasterReport(before, after, gain, 0.0, limited, target, settings.true_peak)


def whole_array_limiter_gain(
    peaks_db: npt.NDArray[np.float64], gain_db: float, ceiling_db: float, rate: int
) -> npt.NDArray[np.float64]:
    gain = np.subtract(ceiling_db - gain_db, peaks_db)
    np.minimum(gain, 0.0, out=gain)
    frames = np.arange(gain.size, dtype=np.float64)
    ramp = frames * (RELEASE_DB_PER_SECOND / rate)
    gain -= ramp
    np.minimum.accumulate(gain, out=gain)
    gain += ramp
    back = gain[::-1] - np.multiply(frames, ATTACK_DB_PER_SECOND / rate, out=ramp)
    np.minimum.accumulate(back, out=back)
    back += ramp
    curve: npt.NDArray[np.float64] = back[::-1]
    np.minimum(curve, 0.0, out=curve)
    curve *= math.log(10.0) / 20.0
    np.exp(curve, out=curve)
    return curve


def _apply(
    audio: npt.NDArray[np.float32], gain_db: float, curve: npt.NDArray[np.float64] | None
) -> npt.NDArray[np.float32]:
    scale = 10.0 ** (gain_db / 20.0)
    factor = np.float32(scale) if curve is None else (scale * curve)[:, None]
    out: npt.NDArray[np.float32] = (audio * factor).astype(np.float32)
    return out
