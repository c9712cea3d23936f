"""How loud a render is: sample peak in dBFS, integrated loudness (LUFS, ITU-R
BS.1770 via pyloudnorm) and whether it clips."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SILENCE_DBFS = -math.inf


@dataclass(frozen=True)
class Loudness:
    peak_dbfs: float
    """Highest sample magnitude; 0 dBFS is full scale, -inf is digital silence."""
    lufs: float | None
    """Integrated loudness; None when the audio is shorter than one 400 ms gating block
    or silent throughout."""

    @property
    def clips(self) -> bool:
        """At or over full scale: an integer file would be clipped there."""
        return self.peak_dbfs >= 0.0


def peak_dbfs(audio: npt.NDArray[np.float32]) -> float:
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    return 20.0 * math.log10(peak) if peak > 0.0 else SILENCE_DBFS


def measure(audio: npt.NDArray[np.float32], rate: int) -> Loudness:
    """Peak and integrated loudness of a (frames, channels) float render."""
    return Loudness(peak_dbfs=peak_dbfs(audio), lufs=_integrated_lufs(audio, rate))


def _integrated_lufs(audio: npt.NDArray[np.float32], rate: int) -> float | None:
    if audio.shape[0] < int(0.4 * rate) or not np.any(audio):
        return None
    import pyloudnorm  # imported here: it pulls in scipy, which only the report needs

    value = float(pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64)))
    return value if math.isfinite(value) else None
