"""`tracker ports` and `tracker panic`: what MIDI ports there are, and silencing them.

Any client may name its ports, so every name printed here is data, not control.
"""

from __future__ import annotations

from tracker.errors import MidiPortError
from tracker.midi.names import PANIC_CLIENT
from tracker.midi.ports import (
    Matcher,
    describe,
    list_inputs,
    list_outputs,
    matches,
    open_output,
)
from tracker.text import visible


def ports_command() -> int:
    """`tracker ports`: what we can send to and receive from."""
    outputs, inputs = list_outputs(), list_inputs()
    print("MIDI outputs (send to):")
    for name in outputs or ["(none)"]:
        print(f"  {visible(name)}")  # any client may name its ports: data, not control
    print("MIDI inputs (receive from):")
    for name in inputs or ["(none)"]:
        print(f"  {visible(name)}")
    return 0


def panic_command(match: Matcher | None = None) -> int:
    """`tracker panic [--port NAME]`: all notes off and all sound off, every channel of
    every output (or of those matching)."""
    from tracker.midi.notes import panic

    names = [n for n in list_outputs() if match is None or matches(match, n)]
    if match is not None and not names:
        raise MidiPortError(f"no MIDI output matches {describe(match)}")
    failed: list[str] = []
    for name in names:
        try:
            with open_output(name, client=PANIC_CLIENT) as port:
                panic([port])
        except MidiPortError as error:
            failed.append(error.message)
        else:
            print(f"silenced {name}")
    if failed:
        raise MidiPortError("; ".join(failed))
    return 0
