"""The master stage: what the render does to the whole mix after the stems are
written (the song's MasterSettings, or the render command's --loudness and
--true-peak over them).

- The master gain applies first, always (with a target, the target then decides
  the level: the master gain only changes where the gain to it starts).
- With a loudness target the mix is gained to it (integrated, BS.1770-4), and a
  limiter holds the true-peak ceiling; the limiter lowers the loudness a little,
  so the gain is corrected and the mix limited again, until it lands within
  0.05 LU (a few rounds at most).
- Without one the mix is never limited, and it never clips: when its true peak
  would pass the ceiling, the whole mix is lowered to it, and the report says by
  how much.

The limiter works offline, on the true-peak envelope (tracker.audio.loudness):
the gain each frame needs to stay under the ceiling, in dB, then the deepest of
that and two ramps, one falling to every peak ahead of it (attack, 1 dB per ms)
and one rising after it (release, 30 dB per second). Each ramp is a running
minimum (numpy's minimum.accumulate), so the gain is at or under what every
frame needs, by construction, and it never jumps. Why not pedalboard's Limiter:
it is JUCE's dsp::Limiter, "two compressors and a hard clipper at 0 dB" (JUCE's
documentation): it reads samples, not the peaks between them, has no look-ahead,
and would clip at full scale rather than hold a ceiling under it; and it would
bring a C++ audio framework for one gain curve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tracker.audio.loudness import Envelope, Loudness, analyse, integrated, measure
from tracker.audio.synth import Frames
from tracker.song.model import MasterSettings

ATTACK_DB_PER_SECOND = 1000.0
RELEASE_DB_PER_SECOND = 30.0
TARGET_TOLERANCE = 0.05
"""LU: the gain is corrected until the mastered mix is this close to its target."""
ROUNDS = 6
LIMITER_OVERSAMPLING = 8
MARGIN_DB = 0.05
"""The ceiling is held on peaks read at 8 points per sample (BS.1770 reads 4),
0.05 dB under it: a meter whose points fall elsewhere (ffmpeg's, at 192 kHz)
must not find the mix over it. Measured on the demo mastered to -9 LUFS (13 dB
of limiting): held at 4 points, ffmpeg read 0.017 dB over; at 8, 16 points read
0.007 dB over."""


@dataclass(frozen=True)
class MasterReport:
    """What the master stage did, and how loud the mix was before and after."""

    before: Loudness
    """The mix as played, before the master stage (the stems add up to it)."""
    after: Loudness
    gain_db: float
    """The gain applied to the whole mix: the master gain, the gain to the target,
    or the master gain less what held the ceiling."""
    lowered_db: float = 0.0
    """Without a target: how far the mix was lowered to keep its true peak at the ceiling."""
    limited_db: float = 0.0
    """With a target: the limiter's deepest gain reduction (0: it never acted)."""
    target: float | None = None
    ceiling: float = -1.0


def master(audio: Frames, rate: int, settings: MasterSettings) -> tuple[Frames, MasterReport]:
    """The mastered mix and what was done: `audio` itself is left as it was."""
    if settings.loudness is None:
        return _without_target(audio, rate, measure(audio, rate), settings)
    before, envelope = analyse(audio, rate, LIMITER_OVERSAMPLING)
    if before.lufs is None:
        return _without_target(audio, rate, before, settings)
    target, ceiling = settings.loudness, settings.true_peak - MARGIN_DB
    gain = target - before.lufs
    peaks = peak_levels(envelope)
    if float(peaks.max(initial=-math.inf)) + gain <= ceiling:  # under the ceiling as it is
        after = _moved(before, gain)
        report = MasterReport(before, after, gain, 0.0, 0.0, target, settings.true_peak)
        return _apply(audio, gain, None), report
    slope = 1.0
    tried: list[tuple[float, float]] = []
    for _ in range(ROUNDS):
        curve = limiter_gain(peaks, gain, ceiling, rate)
        mastered = _apply(audio, gain, curve)
        reached = integrated(mastered, rate)
        assert reached is not None  # louder than before, which had a loudness
        if abs(target - reached) <= TARGET_TOLERANCE:
            break
        if tried:  # the limiter gives back less than each dB of gain: a secant step
            last_gain, last_reached = tried[-1]
            if gain != last_gain and reached != last_reached:
                slope = max(0.05, (reached - last_reached) / (gain - last_gain))
        tried.append((gain, reached))
        gain += (target - reached) / slope
    after = measure(mastered, rate)
    if after.true_peak > ceiling:  # what the ramps' slope left between frames
        trim = ceiling - after.true_peak
        mastered = _apply(mastered, trim, None)
        gain += trim
        after = _moved(after, trim)
    limited = -20.0 * math.log10(float(curve.min()))
    report = MasterReport(before, after, gain, 0.0, limited, target, settings.true_peak)
    return mastered, report


def needs_peak(before: Loudness, settings: MasterSettings) -> bool:
    """Whether the master gain would take the true peak past the ceiling: the mix is
    then lowered by what its peaks read at LIMITER_OVERSAMPLING points pass it by."""
    return before.true_peak + settings.gain_db > settings.true_peak - MARGIN_DB


def without_target(
    before: Loudness, settings: MasterSettings, peak_db: float | None = None
) -> MasterReport:
    """The master stage with no loudness target: the master gain, less what keeps the
    true peak at the ceiling (`peak_db`: the mix's highest point at
    LIMITER_OVERSAMPLING points, when needs_peak). One gain for the whole mix, so every
    measure moves by it; the caller applies it (`gained`), piece by piece if it likes."""
    gain = settings.gain_db
    lowered = 0.0
    if needs_peak(before, settings):
        assert peak_db is not None, "the mix's peaks, read at LIMITER_OVERSAMPLING points"
        lowered = max(0.0, peak_db + gain - (settings.true_peak - MARGIN_DB))
    gain -= lowered
    return MasterReport(
        before, _moved(before, gain), gain, lowered, 0.0, settings.loudness, settings.true_peak
    )


def gained(audio: Frames, gain_db: float) -> Frames:
    """The mix (or a piece of it) under one gain, as the master stage applies it."""
    return audio if gain_db == 0.0 else _apply(audio, gain_db, None)


def _without_target(
    audio: Frames, rate: int, before: Loudness, settings: MasterSettings
) -> tuple[Frames, MasterReport]:
    peak = None
    if needs_peak(before, settings):
        peak = float(peak_levels(analyse(audio, rate, LIMITER_OVERSAMPLING)[1]).max())
    report = without_target(before, settings, peak)
    return gained(audio, report.gain_db), report


def _moved(level: Loudness, gain_db: float) -> Loudness:
    """The reading of the same audio after one gain: every level moves by it, the range stays."""
    return Loudness(
        peak_dbfs=level.peak_dbfs + gain_db,
        true_peak=level.true_peak + gain_db,
        lufs=None if level.lufs is None else level.lufs + gain_db,
        lra=level.lra,
    )


def peak_levels(envelope: Envelope) -> npt.NDArray[np.float64]:
    """The envelope in dB, once for every round of the limiter."""
    levels: npt.NDArray[np.float64] = 20.0 * np.log10(
        np.maximum(envelope.astype(np.float64), 1e-12)
    )
    return levels


def limiter_gain(
    peaks_db: npt.NDArray[np.float64], gain_db: float, ceiling_db: float, rate: int
) -> npt.NDArray[np.float64]:
    """Per frame, the limiter's gain (at most 1) that keeps `peaks_db` raised by
    `gain_db` at or under `ceiling_db`, ramping in ahead of each peak and out after it."""
    # In place where it can be: a song's worth of frames is tens of megabytes an array.
    gain = np.subtract(ceiling_db - gain_db, peaks_db)
    np.minimum(gain, 0.0, out=gain)  # what each frame needs, in dB
    frames = np.arange(gain.size, dtype=np.float64)
    ramp = frames * (RELEASE_DB_PER_SECOND / rate)
    gain -= ramp
    np.minimum.accumulate(gain, out=gain)
    gain += ramp  # held: risen at most the release slope since each need
    back = gain[::-1] - np.multiply(frames, ATTACK_DB_PER_SECOND / rate, out=ramp)
    np.minimum.accumulate(back, out=back)
    back += ramp
    curve: npt.NDArray[np.float64] = back[::-1]  # fallen at most the attack slope to each
    np.minimum(curve, 0.0, out=curve)
    curve *= math.log(10.0) / 20.0
    np.exp(curve, out=curve)
    return curve


def _apply(audio: Frames, gain_db: float, curve: npt.NDArray[np.float64] | None) -> Frames:
    scale = 10.0 ** (gain_db / 20.0)
    factor = np.float32(scale) if curve is None else (scale * curve)[:, None]
    out: Frames = (audio * factor).astype(np.float32)
    return out
