"""How loud a render is: sample peak (dBFS), true peak (dBTP), integrated loudness
(LUFS) and loudness range (LU), after ITU-R BS.1770-4 and EBU Tech 3342 (EBU R128).

Our own meter on numpy alone: the one it replaced (pyloudnorm) imports scipy,
2.4 s of start-up without cached bytecode, for two biquads. numpy has no
recursive filter, so both filters run in the frequency domain, in overlapping
blocks (overlap-save):

- K-weighting: the standard's two biquads (a high shelf and the RLB high
  pass), their coefficients derived for any sample rate from the analogue
  prototype as libebur128 does (at 48 kHz they are the standard's table to 1e-15).
  A block's spectrum is multiplied by the biquads' own frequency response; the
  response's impulse falls below 1e-9 of its start within 100 ms (the high
  pass is a 38 Hz double pole), and each block carries more history than that,
  so what comes out is the recursive filter's output to float32 precision.
- True peak: the signal at four times the rate (BS.1770-4 Annex 2), three
  in-between points per sample from windowed-sinc fractional delays of 65 taps
  (Kaiser, beta 8: flat to 0.9 of Nyquist, stop band under -80 dB), applied to
  the same spectra (BS.1770's example filter has 48 taps of 12 per phase).
- Integrated loudness: 400 ms blocks every 100 ms, the absolute gate at
  -70 LUFS and the relative gate 10 LU under the gated mean. Loudness range:
  3 s short-term blocks every 100 ms, gated at -70 LUFS and 20 LU under their
  mean, the 10th to the 95th percentile (ranked as ffmpeg's ebur128 does).

Checked against ffmpeg's ebur128 filter in tests/audio/test_loudness.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

SILENCE_DBFS = -math.inf
ABSOLUTE_GATE = -70.0
"""LUFS: blocks quieter than this are left out of the integrated loudness and the LRA."""
RELATIVE_GATE = -10.0
"""LU under the absolute-gated mean: the integrated loudness's second gate."""
RANGE_GATE = -20.0
"""LU under the absolute-gated mean of the short-term blocks: the LRA's gate."""
OVERSAMPLING = 4
_TAPS_HALF = 32
_KAISER_BETA = 8.0

Audio = npt.NDArray[np.float32]
Envelope = npt.NDArray[np.float32]
"""Per frame: the highest magnitude over the channels and the oversampled points
from that frame up to the next (frames,)."""


@dataclass(frozen=True)
class Loudness:
    peak_dbfs: float
    """Highest sample magnitude; 0 dBFS is full scale, -inf is digital silence."""
    true_peak: float
    """Highest magnitude of the signal between the samples too (4x oversampled), dBTP."""
    lufs: float | None
    """Integrated loudness; None when the audio is shorter than one 400 ms gating block
    or quieter than the absolute gate throughout."""
    lra: float | None
    """Loudness range in LU; None when shorter than one 3 s short-term block or silent."""

    @property
    def clips(self) -> bool:
        """At or over full scale: an integer file would be clipped there."""
        return self.peak_dbfs >= 0.0


def db(value: float) -> float:
    """A magnitude in dB re full scale (-inf for 0)."""
    return 20.0 * math.log10(value) if value > 0.0 else SILENCE_DBFS


def peak_dbfs(audio: Audio) -> float:
    return db(float(np.max(np.abs(audio)))) if audio.size else SILENCE_DBFS


def measure(audio: Audio, rate: int) -> Loudness:
    """Peaks, integrated loudness and range of a (frames, channels) float render."""
    return Meter(rate, _channels(audio)).feed(audio).reading()


def analyse(audio: Audio, rate: int, oversampling: int = OVERSAMPLING) -> tuple[Loudness, Envelope]:
    """measure(), with the true-peak envelope the limiter works from (which reads
    8 points per sample, a multiple of 4: the reading itself stays BS.1770's 4)."""
    meter = Meter(rate, _channels(audio), oversampling, whole=True).feed(audio)
    return meter.reading(), meter.envelope()


def integrated(audio: Audio, rate: int) -> float | None:
    """The integrated loudness alone (no true peak: a fifth of measure()'s time)."""
    return Meter(rate, _channels(audio), 1).feed(audio).reading().lufs


def _channels(audio: Audio) -> int:
    return 1 if audio.ndim == 1 else int(audio.shape[1])


def lufs_of(power: float) -> float:
    return -0.691 + 10.0 * math.log10(power) if power > 0.0 else SILENCE_DBFS


def _power(lufs: float) -> float:
    return float(10.0 ** ((lufs + 0.691) / 10.0))


def _windows(blocks: npt.NDArray[np.float64], width: int) -> npt.NDArray[np.float64]:
    """Sums of `width` consecutive 100 ms blocks, one every 100 ms (only whole windows)."""
    if blocks.size < width:
        return np.zeros(0)
    sums = np.concatenate([[0.0], np.cumsum(blocks)])
    windows: npt.NDArray[np.float64] = np.maximum(sums[width:] - sums[:-width], 0.0)
    return windows


def _integrated(powers: npt.NDArray[np.float64]) -> float | None:
    """BS.1770-4's gated mean of the 400 ms blocks' mean square powers."""
    kept = powers[powers >= _power(ABSOLUTE_GATE)]
    if kept.size == 0:
        return None
    relative = float(kept.mean()) * 10.0 ** (RELATIVE_GATE / 10.0)
    return lufs_of(float(kept[kept >= relative].mean()))


def _range(powers: npt.NDArray[np.float64]) -> float | None:
    """EBU Tech 3342's loudness range of the 3 s short-term blocks."""
    kept = powers[powers >= _power(ABSOLUTE_GATE)]
    if kept.size == 0:
        return None
    kept = kept[kept >= float(kept.mean()) * 10.0 ** (RANGE_GATE / 10.0)]
    levels = np.sort(-0.691 + 10.0 * np.log10(kept))
    # The ranks ffmpeg's ebur128 takes: round(10 %) and round(95 %) of the count, 1-based.
    low = levels[max(int(0.10 * levels.size + 0.5), 1) - 1]
    high = levels[max(int(0.95 * levels.size + 0.5), 1) - 1]
    return float(high - low)


# -- the filters ---------------------------------------------------------------------------


def _biquads(rate: int) -> tuple[tuple[list[float], list[float]], ...]:
    """BS.1770's K-weighting at `rate`: the shelf then the high pass, as (b, a) pairs,
    from the analogue prototype (libebur128's derivation)."""
    f0, gain, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10.0 ** (gain / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf = (
        [(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0],
        [1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    )
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1.0 + k / q + k * k
    high_pass = ([1.0, -2.0, 1.0], [1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0])
    return shelf, high_pass


@lru_cache(maxsize=4)
def _layout(rate: int) -> tuple[int, int]:
    """Block size and history (overlap) for overlap-save at `rate`: the history
    outlasts the K-weighting's impulse response (150 ms) and the sinc's taps."""
    history = 1 << math.ceil(math.log2(0.15 * rate))
    return 4 * history, history


@lru_cache(maxsize=8)
def _responses(
    rate: int, oversampling: int
) -> tuple[npt.NDArray[np.complex64], npt.NDArray[np.complex64], float]:
    """For one block: the K-weighting's frequency response, the fractional delays'
    (rows), whose outputs lag the input by _TAPS_HALF samples, and the most any delay
    can raise a peak (the largest sum of a delay's tap magnitudes: 2.85 at 4 points)."""
    size, _ = _layout(rate)
    z = np.exp(-1j * np.pi * np.arange(size // 2 + 1) / (size // 2))
    weighting = np.ones_like(z)
    for b, a in _biquads(rate):
        weighting *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
    taps = np.arange(2 * _TAPS_HALF + 1, dtype=np.float64)
    delays = []
    bound = 1.0
    for phase in range(1, oversampling):
        t = taps - _TAPS_HALF + phase / oversampling
        window = np.i0(_KAISER_BETA * np.sqrt(np.clip(1.0 - (t / (_TAPS_HALF + 1)) ** 2, 0, 1)))
        delay = np.sinc(t) * window / np.i0(_KAISER_BETA)
        bound = max(bound, float(np.abs(delay).sum()))
        delays.append(np.fft.rfft(delay, size))
    rows = np.array(delays, dtype=np.complex64).reshape(-1, size // 2 + 1)
    return weighting.astype(np.complex64), rows, bound


_BATCH = 16
"""Blocks transformed at once: large enough for numpy, small enough for memory."""
_STREAM_BATCH = 4
"""Blocks a meter fed piece by piece waits for before it transforms them: its
memory stays a few blocks (half a second each) however long the render."""
QUIET = 1e-6
"""-120 dBFS: a block whose every sample (history included) is under this is not
transformed. Its K-weighted energy counts as 0 (under 1e-11, sixty dB below the
-70 LUFS gate) and its true peak as its sample peak (no more than 1e-6 times the
sinc's gain, some -110 dBFS, could hide between): stems are quiet for long
stretches, and skipping them halves their meter's time."""


class Meter:
    """The readings of audio fed in pieces (a render as it is made), the same to the
    last bit as of the whole at once, in memory that does not grow with the length
    (a `whole` meter keeps its envelope too, until envelope() takes it).

    The filters run by overlap-save: block b reads the padded signal (`history`
    zeros, then the audio) from b * hop, `size` long, and gives outputs b * hop to
    (b + 1) * hop: the K-weighted energy of those frames, and the points between
    samples, which lag _TAPS_HALF frames. A block waits until its audio has come.
    Blocks transform in the same rows and sum in the same order however the audio
    is cut, so the figures never depend on the pieces.

    A block whose loudest sample, raised by the most a delay can raise it, stays
    under the loudest sample so far is not oversampled (unless `whole`): nothing
    between its samples can be the true peak (a stem's quieter passages, often
    most of it)."""

    def __init__(
        self, rate: int, channels: int = 2, oversampling: int = OVERSAMPLING, *, whole: bool = False
    ) -> None:
        assert oversampling == 1 or oversampling % OVERSAMPLING == 0, "the standard's points"
        self.rate = rate
        self.size, self.history = _layout(rate)
        self.hop = self.size - self.history
        self.weighting, self.delays, self.bound = _responses(rate, oversampling)
        self.standard_only = oversampling == OVERSAMPLING
        self.quarters = [(p * OVERSAMPLING) % oversampling == 0 for p in range(1, oversampling)]
        self.whole = whole
        self.sub = round(0.1 * rate)
        self.frames = 0
        self.sample_peak = 0.0
        self.true_peak = 0.0
        """The highest of the standard's 4 points between samples (sample peaks apart)."""
        self.highest = 0.0
        """The highest of all the points between samples (the limiter's 8 when it reads)."""
        self.done = 0
        """Blocks transformed."""
        self.pending = np.zeros((channels, self.history), dtype=np.float32)
        """The padded signal from block `done`'s start on."""
        self.parts: list[Audio] = []
        """Pieces fed and not yet joined to `pending`, channels first."""
        self.carry = np.zeros(0, dtype=np.float64)
        """Energy of the frames after the last whole 100 ms block."""
        self.blocks: list[npt.NDArray[np.float64]] = []
        """Energy sums of whole 100 ms blocks."""
        self.sample_envelope: list[Envelope] = []
        self.between: list[Envelope] = []
        self.between_from = 0
        """The output index of `between`'s first point (frame f's points are at f + _TAPS_HALF)."""
        self.taken = 0
        """Frames whose envelope envelope() has handed out."""

    def feed(self, audio: Audio) -> Meter:
        """Take the next frames ((frames, channels), or (frames,) for one channel)."""
        if audio.ndim == 1:
            audio = audio[:, None]
        if not audio.shape[0]:
            return self
        part = np.ascontiguousarray(audio.T, dtype=np.float32)
        loudest = np.abs(part).max(axis=0)  # row by row: fast, unlike across 2 columns
        self.sample_peak = max(self.sample_peak, float(loudest.max()))
        if self.whole:
            self.sample_envelope.append(loudest)
        self.parts.append(part)
        self.frames += audio.shape[0]
        ready = self.frames // self.hop - self.done  # blocks whose audio has all come
        if ready >= _STREAM_BATCH:
            self._gather()
        while ready >= _STREAM_BATCH:
            count = min(ready, _BATCH)
            self._transform(count)
            ready -= count
        return self

    def reading(self) -> Loudness:
        """The readings of everything fed (the meter then takes no more)."""
        last = -(-(self.frames + _TAPS_HALF) // self.hop)  # the delays' lag runs past the end
        self._gather()
        if last > self.done:
            pad = (last - self.done - 1) * self.hop + self.size - self.pending.shape[1]
            if pad > 0:
                zeros = np.zeros((self.pending.shape[0], pad), dtype=np.float32)
                self.pending = np.concatenate([self.pending, zeros], axis=1)
            while last > self.done:
                self._transform(min(last - self.done, _BATCH))
        blocks = np.concatenate([np.zeros(0), *self.blocks])
        sub = self.sub
        true_peak = max(self.sample_peak, self.true_peak)
        return Loudness(
            peak_dbfs=db(self.sample_peak),
            true_peak=db(true_peak),
            lufs=_integrated(_windows(blocks, 4) / (4 * sub)),
            lra=_range(_windows(blocks, 30) / (30 * sub)),
        )

    def highest_db(self) -> float:
        """The envelope's highest point in dB (after reading(); floored at -240 dB as
        the limiter's levels are)."""
        return 20.0 * math.log10(max(self.sample_peak, self.highest, 1e-12))

    def envelope(self) -> Envelope:
        """Per frame, the highest of the channels' samples and the points up to the next
        (`whole` meters only): of the frames not yet handed out whose points are known,
        all of them after reading(). Taken as the audio is fed, a long render's envelope
        need not stay in memory (the master stage spools it to disk)."""
        assert self.whole, "a meter that kept its envelope"
        known = self.frames
        if self.delays.size:
            known = min(known, self.between_from + sum(b.size for b in self.between) - _TAPS_HALF)
        count = known - self.taken
        if count <= 0:
            return np.zeros(0, dtype=np.float32)
        samples = np.concatenate([np.zeros(0, dtype=np.float32), *self.sample_envelope])
        envelope = samples[:count]
        self.sample_envelope = [samples[count:]]
        if self.delays.size:
            between = np.concatenate([np.zeros(0, dtype=np.float32), *self.between])
            skip = self.taken + _TAPS_HALF - self.between_from
            np.maximum(envelope, between[skip : skip + count], out=envelope)
            self.between = [between[skip + count :]]
            self.between_from += skip + count
        self.taken += count
        return envelope

    def _gather(self) -> None:
        """The pieces fed since the last transform, joined to the padded signal (once
        for several pieces: a tail comes in small windows)."""
        if self.parts:
            self.pending = np.concatenate([self.pending, *self.parts], axis=1)
            self.parts = []

    def _transform(self, count: int) -> None:
        """Blocks done .. done + count: their energy, and their points between samples."""
        size, hop, history = self.size, self.hop, self.history
        first = self.done * hop  # output (and frame) index of the first block's first output
        energy = np.zeros((count, hop), dtype=np.float64)
        between = np.zeros((count, hop), dtype=np.float32)
        standard = between if self.standard_only else np.zeros_like(between)
        floor = 0.0 if self.whole else self.sample_peak
        for channel in range(self.pending.shape[0]):
            span = self.pending[channel, : (count - 1) * hop + size]
            windows = np.lib.stride_tricks.sliding_window_view(span, size)[::hop]  # a view
            pieces = np.abs(span).reshape(-1, history).max(axis=1)  # a window is 4 pieces
            loudest = np.maximum.reduce([pieces[i : i + 3 * count : 3] for i in range(4)])
            chosen = np.flatnonzero(loudest >= QUIET)
            if not chosen.size:
                continue
            spectra = np.fft.rfft(windows[_rows(chosen)], axis=1)
            weighted = np.fft.irfft(spectra * self.weighting, size, axis=1)[:, history:]
            energy[_rows(chosen)] += np.square(weighted, dtype=np.float64)
            peaky = loudest[chosen] * self.bound >= floor
            if not self.delays.size or not peaky.any():
                continue
            rows = _rows(chosen[peaky])
            spectra = spectra if peaky.all() else spectra[peaky]
            for delay, quarter in zip(self.delays, self.quarters, strict=True):
                at = np.abs(np.fft.irfft(spectra * delay, size, axis=1)[:, history:])
                between[rows] = np.maximum(between[rows], at)
                if quarter and standard is not between:
                    standard[rows] = np.maximum(standard[rows], at)
        self.pending = self.pending[:, count * hop :]
        self.done += count
        points = standard.reshape(-1)[max(0, _TAPS_HALF - first) : _TAPS_HALF + self.frames - first]
        if self.delays.size and points.size:
            self.true_peak = max(self.true_peak, float(points.max()))
            every = between.reshape(-1)[
                max(0, _TAPS_HALF - first) : _TAPS_HALF + self.frames - first
            ]
            self.highest = max(self.highest, float(every.max()))
        if self.whole and self.delays.size:
            self.between.append(between.reshape(-1))
        self.carry = np.concatenate([self.carry, energy.reshape(-1)[: max(0, self.frames - first)]])
        whole = self.carry.size // self.sub * self.sub
        if whole:
            self.blocks.append(self.carry[:whole].reshape(-1, self.sub).sum(axis=1))
            self.carry = self.carry[whole:]


def _rows(blocks: npt.NDArray[np.intp]) -> slice | npt.NDArray[np.intp]:
    """Blocks as an index: a run of them (the usual case) as a slice, so that writes
    go in place through a view."""
    if blocks[-1] - blocks[0] + 1 == blocks.size:
        return slice(int(blocks[0]), int(blocks[-1]) + 1)
    return blocks
