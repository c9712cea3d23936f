"""Python's cyclic garbage collector, kept off the keys' path on a big song.

A loaded 64-track, 200-pattern song (13 MB) is 53,000 objects the collector tracks (a
list per note column, a part per track and pattern), half of the editor's 110,000. Every
full collection walks them all: 35 ms in the editor on a quiet machine, 50-80 ms on a
loaded one (measured, bench autosave), when a key's own handling and repaint take 2-18
ms; the one key such a collection lands on misses the 33 ms goal by itself. Yet the song
holds no reference cycles (an edit, an undo or another song frees its parts by reference
counting alone): walking it finds nothing, ever. So once a song is in place its objects
are frozen (gc.freeze), out of every later collection's walk.

Frozen objects are never collected, so the freeze starts afresh each time a song is put
in place: everything frozen before is handed back, one full collection frees what has
become cyclic garbage since (a dialog closed meanwhile), and what is left is frozen. A
frozen object that turns into cyclic garbage is therefore kept only until the next song
is loaded; objects made by later edits are not frozen and are walked as usual.

While a save's bytes are made in this process (no fork to be had: apart.py), reading the
song back makes a million objects in a few seconds, and collections would follow one
another, the full ones walking those million (a key held up 100 ms, measured): the
collector stays off until the last such writer ends. Not while a forked child makes
them: the editor's own keys then make garbage as usual, and a collection put off for
the seconds an autosave takes came back as one of 5-27 ms just after it (measured).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator


def settle() -> None:
    """A song was just put in place (opened, reloaded, recovered, a new editor): freeze
    everything live now, after collecting what is garbage. Costs one full collection
    (35 ms on the big song), where a musician waits for a song to load anyway."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class HeldWhileAny:
    """A setting held while any of a counted set of writers runs (any thread): `hold`
    puts it in place at the first and returns how to put it back, done after the last
    (a save started while an autosave is written must not restore it under the
    autosave)."""

    def __init__(self, hold: Callable[[], Callable[[], None]]) -> None:
        self._hold = hold
        self._writers = 0
        self._lock = threading.Lock()
        self._restore: Callable[[], None] = lambda: None

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._writers == 0:
                self._restore = self._hold()
            self._writers += 1
        try:
            yield
        finally:
            with self._lock:
                self._writers -= 1
                if self._writers == 0:
                    self._restore()


def _collector_held_off() -> Callable[[], None]:
    collecting = gc.isenabled()
    gc.disable()
    return gc.enable if collecting else lambda: None


collector_off = HeldWhileAny(_collector_held_off)
"""No collection while a burst of pure-Python work that makes objects, none of them
garbage, runs (any thread); the collector comes back after the last one, as it was."""
