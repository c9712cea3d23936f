"""What several benchmarks measure the same way: a percentile of a sample, the seconds
a call takes, the moments the pattern editor renders its rows (what a key press costs
on screen), and a whole command run as a child process (wall time, CPU time, its own
peak memory) beside a reference program that does the same work, run just before it."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.ui.pattern.editor import PatternEditor

PYTHON = [sys.executable, "-c"]
TIME = Path("/usr/bin/time")


def full_run() -> bool:
    """`python -m bench --full` (or BENCH_FULL=1): every size of the heavy benchmarks."""
    return os.environ.get("BENCH_FULL", "") not in ("", "0")


def percentile(values: list[float], fraction: float) -> float:
    """The value `fraction` of the way up the sorted sample (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(work: Callable[[], object]) -> float:
    """Seconds `work()` takes, on perf_counter's clock."""
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


@contextlib.contextmanager
def timed_rows(editor: PatternEditor) -> Iterator[list[float]]:
    """While inside: the perf_counter of each grid row the editor renders, appended to
    the list yielded (clear it before each key)."""
    render_line = editor.render_line
    rendered: list[float] = []

    def timed_render_line(y: int) -> Any:
        strip = render_line(y)
        rendered.append(time.perf_counter())
        return strip

    editor.render_line = timed_render_line  # type: ignore[method-assign]
    try:
        yield rendered
    finally:
        editor.render_line = render_line  # type: ignore[method-assign]


class Child:
    """One command run to its end: wall time and the child's peak memory.

    Peak memory comes from GNU time around the command when it is there: a child started
    straight from this process counts this process's pages in its own peak until it
    execs (the generated songs held here made `check` of a 30 KB song read 130 MB)."""

    def __init__(self, command: Sequence[str], cwd: Path, timeout: float = 3600) -> None:
        report = cwd / ".peak-kb"
        wrapped = list(command)
        if TIME.exists():
            wrapped = [str(TIME), "-f", "%M", "-o", str(report), *wrapped]
        started = time.perf_counter()
        process = subprocess.Popen(
            wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _, status, usage = os.wait4(process.pid, 0)
        self.seconds = time.perf_counter() - started
        self.cpu = usage.ru_utime + usage.ru_stime
        """User + system seconds, the command's reaped children included."""
        self.peak_mb = usage.ru_maxrss / 1024
        if TIME.exists():
            self.peak_mb = int(report.read_text().split()[-1]) / 1024
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {error[-400:]}")
        if process.stderr:
            process.stderr.close()


def toml_reference(song: Path, work: Path) -> Child:
    """Python's TOML parser reading the song file, a process of its own like the command."""
    return Child([*PYTHON, f"import tomllib; tomllib.load(open({str(song)!r}, 'rb'))"], work)


def mido_reference(midi: Path, work: Path) -> Child:
    """mido reading the .mid file, a process of its own."""
    return Child([*PYTHON, f"import mido; mido.MidiFile({str(midi)!r})"], work)


def fluidsynth_reference(midi: Path, work: Path) -> Child | None:
    """`fluidsynth -ni -F` rendering the .mid with our soundfont (None without the CLI)."""
    from tracker.audio.soundfonts import find_soundfont

    cli = shutil.which("fluidsynth")
    if cli is None:
        return None
    font = find_soundfont(None, None)
    return Child(
        [cli, "-ni", "-F", str(work / "cli.wav"), "-r", "44100", str(font), str(midi)], work
    )


def add_figures(row: dict[str, Any], name: str, child: Child, reference: Child | None) -> None:
    """The command's seconds and peak MB in `row`, and its time over the reference's."""
    row[f"{name} s"] = round(child.seconds, 2)
    row[f"{name} MB"] = round(child.peak_mb)
    if reference is not None:
        row[f"{name} / reference"] = round(child.seconds / reference.seconds, 2)
