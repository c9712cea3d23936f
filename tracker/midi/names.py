"""The names tracker gives itself in the MIDI system (its client and its own ports),
and the states a port it opens goes through.

Other programs see `tracker:out` (what plays), `tracker:in` (a keyboard to record
from, with --midi-in virtual) and `tracker:clock-in` (a clock master to follow).
The short-lived clients that only list, watch for hot-plug or send a panic carry
their own suffix, so a patchbay never mistakes them for the player.

No rtmidi here: the player's protocol (imported by the UI) names the ports too.
"""

from __future__ import annotations

from typing import Literal

CLIENT_NAME = "tracker"
OUT_PORT = "out"
"""The output the player plays into when no port is named: `tracker:out`."""
IN_PORT = "in"
"""Our own input for recording and thru (`--midi-in virtual`), and the name an
opened input takes on our side."""
CLOCK_IN_PORT = "clock-in"
"""Our own input for a clock master (`--clock-in virtual`)."""

WATCH_CLIENT = f"{CLIENT_NAME}-watch"
"""The client that looks for ports appearing and going (hot-plug)."""
LIST_CLIENT = f"{CLIENT_NAME}-list"
"""The client that lists ports (`tracker ports`, the UI's port pickers)."""
PANIC_CLIENT = f"{CLIENT_NAME}-panic"
"""The client `tracker panic` sends from."""

PortState = Literal["open", "missing", "lost", "closed"]
"""A MIDI port's state (midi/ports.py): "missing", never found; "lost", vanished while open."""
PortChange = Literal["open", "lost", "back"]
"""What a look at the port list did to a port: opened at last, lost, or back after a loss."""
