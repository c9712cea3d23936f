"""`import-midi` of the issue's 10 MB MIDI file (#16): the command as a child process
beside mido's own read of the same file, run just before it (bench/measure.py's
`Child`: wall time, CPU time, the child's peak memory).

The file is written by mido from a seeded generator (bench/song_sizes.py `write_midi`):
1.1 million notes over 64 tracks, 8.8 MB, the import's outside input.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.measure import Child, mido_reference
from bench.song_sizes import write_midi
from tests.support.command import TRACKER


def big_midi_import() -> dict[str, Any]:
    """The issue's case: `import-midi` of a 10 MB file written by mido (1.1 million notes)."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        work = Path(folder)
        midi = write_midi(work / "big.mid", 1_100_000)
        reference = mido_reference(midi, work)
        child = Child([*TRACKER, "import-midi", str(midi), "-o", str(work / "big.toml")], work)
        return {
            "file MB": round(midi.stat().st_size / 1e6, 1),
            "mido read s (reference)": round(reference.seconds, 1),
            "import-midi s": round(child.seconds, 1),
            "import-midi / reference": round(child.seconds / reference.seconds, 2),
            "import-midi MB": round(child.peak_mb),
            # CPU time (user + system) says more than wall time on a shared machine.
            "mido read CPU s": round(reference.cpu, 1),
            "import-midi CPU s": round(child.cpu, 1),
            "import-midi / reference, CPU": round(child.cpu / reference.cpu, 2),
        }


def run() -> dict[str, Any]:
    return {"note": "import-midi of a 10 MB file written by mido.", "10 MB": big_midi_import()}


if __name__ == "__main__":
    for key, value in run().items():
        print(key, value)
