"""What several benchmarks measure the same way: a percentile of a sample, and the
moments the pattern editor renders its rows (what a key press costs on screen)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.ui.pattern.editor import PatternEditor


def percentile(values: list[float], fraction: float) -> float:
    """The value `fraction` of the way up the sorted sample (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


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
