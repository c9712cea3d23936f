"""Long fuzzing of the song reader and the MIDI import: the strategies and checks of
tests/hostile/test_fuzz.py, run for SECONDS each instead of a few seconds.

Hypothesis has no time limit of its own, so the fuzzing runs in rounds of
ROUND examples with fresh random seeds until the time is up. A round stops at
its first failure (after shrinking it); the failure is counted and the first
one of each reader is reported, so one bug does not hide the run's size.
"""

from __future__ import annotations

import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings

from tests.support.fuzz import check_midi_bytes, check_song_bytes, fuzz_midi, fuzz_songs

SECONDS = 60.0
ROUND = 200


Check = Callable[..., None]
Wrap = Callable[[Check], Check]


def _fuzz(make: Callable[[Wrap], Callable[[], None]], seconds: float) -> dict[str, Any]:
    """Run rounds until `seconds` pass; count examples and failing rounds."""
    examples = 0
    failures = 0
    first: str = ""
    started = time.perf_counter()

    def counted(check: Check) -> Check:
        def run(*args: Any) -> None:
            nonlocal examples
            examples += 1
            check(*args)

        return run

    round_settings = settings(
        max_examples=ROUND,
        deadline=None,
        database=None,  # fresh seeds every round, nothing replayed
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    while time.perf_counter() - started < seconds:
        try:
            round_settings(make(counted))()
        except Exception as error:  # noqa: BLE001 - any failure: the falsifying example is in the message
            failures += 1
            if not first:
                first = "".join(traceback.format_exception_only(error)).strip()[:300]
    elapsed = time.perf_counter() - started
    return {
        "examples": examples,
        "failing rounds": failures,
        "seconds": round(elapsed, 1),
        "examples per second": round(examples / elapsed),
        "first failure": first or "none",
    }


def run(seconds: float = SECONDS) -> dict[str, Any]:
    """Fuzz each reader for `seconds`; a table row per reader."""
    songs = _fuzz(lambda wrap: fuzz_songs(wrap(check_song_bytes)), seconds)
    with tempfile.TemporaryDirectory() as folder:
        midi = _fuzz(lambda wrap: fuzz_midi(Path(folder), wrap(check_midi_bytes)), seconds)
    return {
        "note": (
            f"Mutated valid files, {seconds:.0f} s per reader: only our own error may escape, "
            "and every accepted file must save and load unchanged."
        ),
        "song files": songs,
        "MIDI import": midi,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
