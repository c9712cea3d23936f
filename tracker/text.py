"""Text from outside (files, file names, port names, error messages) made safe to show.

A song title, a track name, a file name or a MIDI port's name is data the musician
did not necessarily write: a crafted one can hold terminal control sequences that
clear the screen, retitle the window or write the clipboard (OSC 52). Everything
such text passes through `visible` before it is printed or drawn, which spells
each control character out (`\\x1b`, `\\x07`, `\\x9b`), so the bytes reaching the
terminal hold none of them.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Direction overrides: they reorder what follows them on screen (Trojan Source)."""

_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_CONTROL_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")


def _spelled(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str, *, newlines: bool = False) -> str:
    """`text` with every control character (C0, DEL, C1), direction override and
    lone surrogate spelled out as an escape; with `newlines`, line breaks stay."""
    pattern = _CONTROL_BUT_NEWLINE if newlines else _CONTROL
    return pattern.sub(_spelled, text)
