"""Keys first while a save is written on a worker thread.

A save's bytes are made in a forked process (apart.py), and the worker only takes them
from a pipe and writes them; but that still takes the interpreter in many short turns,
and without a fork to be had the worker serialises and checks the song itself, as every
save once did. Serialising and checking a big song is pure Python: on its worker thread
it holds the interpreter for Python's switch interval (5 ms) each time the UI thread
asks for it back, and a key's handling and repaint ask many times, so a keypress took
90 ms (p50) while a 13 MB song was autosaved that way (measured, bench autosave). While
a writer runs, the interval drops to half a millisecond; the usual one comes back after
the last. The garbage collector stays on unless the bytes are made in this process
(tracker/ui/collector.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from tracker.ui.collector import HeldWhileAny

KEYS_SWITCH_INTERVAL = 0.0005
"""Python's thread switch interval while a save is written: the UI thread gets the
interpreter back within half a millisecond instead of the default five, each time it
needs it during a key's handling and repaint (a repaint needs it many times)."""


def _switch_often() -> Callable[[], None]:
    usual = sys.getswitchinterval()
    sys.setswitchinterval(KEYS_SWITCH_INTERVAL)
    return lambda: sys.setswitchinterval(usual)


keys_first = HeldWhileAny(_switch_often)
"""While a save's pure-Python work runs on a worker thread, switch threads often."""
