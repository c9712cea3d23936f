"""pyfluidsynth, imported quietly.

It prints where it found libfluidsynth to standard output whenever the
environment has CI set, which would land in the middle of `tracker render`'s
report (and of anything piping it). Every module imports it from here.
"""

from __future__ import annotations

import contextlib
import io

with contextlib.redirect_stdout(io.StringIO()):
    import fluidsynth

__all__ = ["fluidsynth"]
