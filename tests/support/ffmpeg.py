"""A loudness meter we did not write: ffmpeg's ebur128 filter (EBU R128, true peak by
resampling to 192 kHz), read from the metadata it attaches to every 100 ms frame
(three decimals; the summary it prints has one)."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Reading:
    lufs: float
    lra: float
    true_peak: float
    """dBTP: the highest of the channels' true peaks."""


def ebur128(path: Path) -> Reading:
    """ffmpeg -af ebur128=peak=true on a file: the last frame's integrated loudness,
    loudness range and true peak (every value is the whole file's by then)."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "run `make setup`: it installs ffmpeg"
    done = subprocess.run(
        [ffmpeg, "-hide_banner", "-nostats", "-i", str(path), "-af",
         "ebur128=peak=true:metadata=1,ametadata=print:file=-", "-f", "null", "-"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    values: dict[str, float] = {}
    for key, value in re.findall(r"lavfi\.r128\.([\w.]+)=(\S+)", done.stdout):
        values[key] = float(value)
    return Reading(
        lufs=values["I"],
        lra=values["LRA"],
        true_peak=20 * math.log10(values["true_peak"]) if values["true_peak"] else -math.inf,
    )
