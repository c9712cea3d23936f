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
frame needs, by construction, and it never jumps.

It streams (issue #16: memory flat in the song's length): the mix and its peaks
are read back piece by piece for every round, the release's running minimum is
carried from piece to piece, and the attack's (a minimum over the frames ahead)
looks only as far ahead as a ramp can reach from the deepest need: past that
every frame's ramp is above 0 dB, where the gain is held anyway. Every sample
is the same float as when the whole mix was one array: minima are exact, and
each rounding step is the same operation on the same operands. Why not pedalboard's Limiter:
it is JUCE's dsp::Limiter, "two compressors and a hard clipper at 0 dB" (JUCE's
documentation): it reads samples, not the peaks between them, has no look-ahead,
and would clip at full scale rather than hold a ceiling under it; and it would
bring a C++ audio framework for one gain curve.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from tracker.audio.loudness import Envelope, Loudness, Meter, analyse, measure
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


Levels = npt.NDArray[np.float64]
"""Per frame, in dB: the peaks the limiter reads (peak_levels), or its gain."""
Reader = Callable[[], Iterable[Frames]]
"""The mix again from its first frame, piece by piece (a scratch file read back)."""
LevelReader = Callable[[], Iterable[Levels]]
"""The mix's peak_levels again from its first frame, piece by piece."""


class Analysis(NamedTuple):
    """What the mix's first reading (as it played) gives the master stage."""

    before: Loudness
    frames: int
    highest_db: float
    """The highest of its peak_levels (LIMITER_OVERSAMPLING points a sample)."""


def master(audio: Frames, rate: int, settings: MasterSettings) -> tuple[Frames, MasterReport]:
    """The mastered mix and what was done, the mix in one array (`audio` itself is
    left as it was); a render streams it (to_target, without_target)."""
    if settings.loudness is None:
        return _without_target(audio, rate, measure(audio, rate), settings)
    before, envelope = analyse(audio, rate, LIMITER_OVERSAMPLING)
    if before.lufs is None:
        return _without_target(audio, rate, before, settings)
    peaks = peak_levels(envelope)
    out: list[Frames] = [np.zeros((0, audio.shape[1]), dtype=np.float32)]
    highest = float(peaks.max(initial=-math.inf))
    report = to_target(
        lambda: [audio],
        lambda: [peaks],
        Analysis(before, audio.shape[0], highest),
        rate,
        settings,
        out.append,
    )
    return np.concatenate(out), report


def to_target(
    mix: Reader,
    peaks: LevelReader,
    analysis: Analysis,
    rate: int,
    settings: MasterSettings,
    write: Callable[[Frames], None],
) -> MasterReport:
    """The master stage to the loudness target, the mastered mix handed to `write`
    piece by piece: every round reads the mix and its peaks again, so memory holds a
    few pieces however long the song (the mix must have a loudness)."""
    before, frames, highest = analysis
    assert settings.loudness is not None and before.lufs is not None
    target, ceiling = settings.loudness, settings.true_peak - MARGIN_DB
    gain = target - before.lufs
    if highest + gain <= ceiling:  # under the ceiling as it is
        for piece in mix():
            write(_apply(piece, gain, None))
        after = _moved(before, gain)
        return MasterReport(before, after, gain, 0.0, 0.0, target, settings.true_peak)

    def limited(gain_db: float, limiter: Limiter | None = None) -> Iterator[Frames]:
        limiter = limiter or Limiter(frames, gain_db, ceiling, rate, highest)
        curve = _Cut(limiter.curves(peaks()))
        for piece in mix():
            yield _apply(piece, gain_db, curve.take(piece.shape[0]))

    slope = 1.0
    tried: list[tuple[float, float]] = []
    for _ in range(ROUNDS):
        applied, limiter = gain, Limiter(frames, gain, ceiling, rate, highest)
        meter = Meter(rate, 2, 1)  # the integrated loudness alone: a fifth of measure's time
        for piece in limited(gain, limiter):
            meter.feed(piece)
        reached = meter.reading().lufs
        assert reached is not None  # louder than before, which had a loudness
        if abs(target - reached) <= TARGET_TOLERANCE:
            break
        if tried:  # the limiter gives back less than each dB of gain: a secant step
            last_gain, last_reached = tried[-1]
            if gain != last_gain and reached != last_reached:
                slope = max(0.05, (reached - last_reached) / (gain - last_gain))
        tried.append((gain, reached))
        gain += (target - reached) / slope
    meter = Meter(rate)
    for piece in limited(applied):
        meter.feed(piece)
    after = meter.reading()
    trim = None
    if after.true_peak > ceiling:  # what the ramps' slope left between frames
        trim = ceiling - after.true_peak
        gain += trim
        after = _moved(after, trim)
    for piece in limited(applied):
        write(piece if trim is None else _apply(piece, trim, None))
    limited_db = -20.0 * math.log10(limiter.lowest)
    return MasterReport(before, after, gain, 0.0, limited_db, target, settings.true_peak)


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
    highest = float(peaks_db.max(initial=-math.inf))
    limiter = Limiter(peaks_db.size, gain_db, ceiling_db, rate, highest)
    return np.concatenate([np.zeros(0), *limiter.curves([peaks_db])])


class Limiter:
    """limiter_gain over a mix's peaks fed piece by piece, the same to the last bit:
    the release's running minimum is carried from piece to piece, and a frame's gain
    is handed out once the peaks `reach` frames past it have come (the attack's ramp
    from the deepest need, `highest_db` raised to the ceiling, is above 0 dB there)."""

    def __init__(
        self, frames: int, gain_db: float, ceiling_db: float, rate: int, highest_db: float
    ) -> None:
        self.frames = frames
        self.level = ceiling_db - gain_db
        self.release = RELEASE_DB_PER_SECOND / rate
        self.attack = ATTACK_DB_PER_SECOND / rate
        deepest = min(0.0, self.level - highest_db)
        self.reach = math.ceil((1.0 - deepest) / self.attack) + 1
        """Frames ahead the attack looks: 1 dB more than the deepest need."""
        self.held = math.inf
        """The release's running minimum (of the need less the release ramp) so far."""
        self.fed = 0
        self.given = 0
        self.ahead = np.zeros(0)
        """Frames given .. fed: the held gain less the attack ramp (counted from the end)."""
        self.lowest = math.inf
        """The deepest gain handed out (as a factor)."""

    def curves(self, peaks: Iterable[Levels]) -> Iterator[Levels]:
        """The gain (a factor) of every frame, in pieces, as `peaks` (the levels of
        all `frames`, in pieces) come in."""
        for piece in peaks:
            self._feed(piece)
            if self.fed < self.frames and self.fed - self.reach > self.given:
                yield self._give(self.fed - self.reach)
        assert self.fed == self.frames, "the peaks of every frame"
        if self.frames > self.given:
            yield self._give(self.frames)

    def _feed(self, peaks_db: Levels) -> None:
        index = np.arange(self.fed, self.fed + peaks_db.size, dtype=np.float64)
        gain = np.subtract(self.level, peaks_db)
        np.minimum(gain, 0.0, out=gain)  # what each frame needs, in dB
        ramp = index * self.release
        gain -= ramp
        np.minimum.accumulate(gain, out=gain)
        np.minimum(gain, self.held, out=gain)
        if gain.size:
            self.held = float(gain[-1])
        gain += ramp  # held: risen at most the release slope since each need
        gain -= np.multiply(self._from_end(index), self.attack, out=ramp)
        self.ahead = np.concatenate([self.ahead, gain])
        self.fed += peaks_db.size

    def _give(self, end: int) -> Levels:
        """The gain of frames given .. end: fallen at most the attack slope to each need."""
        count = end - self.given
        back = np.minimum.accumulate(self.ahead[::-1])[::-1]
        index = np.arange(self.given, end, dtype=np.float64)
        curve = back[:count] + self._from_end(index) * self.attack
        np.minimum(curve, 0.0, out=curve)
        curve *= math.log(10.0) / 20.0
        np.exp(curve, out=curve)
        self.ahead = self.ahead[count:]
        self.given = end
        self.lowest = min(self.lowest, float(curve.min()))
        return curve

    def _from_end(self, index: Levels) -> Levels:
        """Frames counted back from the last (the attack ramp's index)."""
        counted: Levels = float(self.frames - 1) - index
        return counted


class _Cut:
    """Pieces of one long array, handed out again in the lengths asked for."""

    def __init__(self, pieces: Iterable[Levels]) -> None:
        self.pieces = iter(pieces)
        self.rest = np.zeros(0)

    def take(self, count: int) -> Levels:
        parts = [self.rest]
        have = self.rest.size
        while have < count:
            piece = next(self.pieces)
            parts.append(piece)
            have += piece.size
        joined = np.concatenate(parts) if len(parts) > 1 else self.rest
        self.rest = joined[count:]
        return joined[:count]


def _apply(audio: Frames, gain_db: float, curve: npt.NDArray[np.float64] | None) -> Frames:
    scale = 10.0 ** (gain_db / 20.0)
    factor = np.float32(scale) if curve is None else (scale * curve)[:, None]
    out: Frames = (audio * factor).astype(np.float32)
    return out
