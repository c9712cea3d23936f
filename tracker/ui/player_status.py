"""The player's state in a few words for the status line: where MIDI goes, what the audio does.

The player reports in full sentences with the libraries' own words in them
("cannot reach the MIDI system: MidiOutJack::initialize: JACK server not
running? ..."): right for the log (~/.cache/tracker/player.log, where the player
writes them whole), too long and too technical for the one line a musician
glances at. Here each becomes a short phrase that says what to do, and the whole
line fits 80 columns in the common cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NO_MIDI_SYSTEM = "no MIDI system (start JACK or load snd-seq)"
SEPARATOR = " · "

_PORT_STATES = {"missing": "not found", "lost": "unplugged", "closed": "closed"}
_SILENT = {
    "no audio device": "no device, silent",
    "no soundfont": "no soundfont, silent",
}
_NOTE_LIMIT = 60


def short_note(message: str) -> str:
    """One thing the player said, in a few words (the log keeps the whole sentence)."""
    if "reach the MIDI system" in message or message.startswith("no MIDI system"):
        return NO_MIDI_SYSTEM
    if match := re.match(r'no MIDI (output|input) matches ("[^"]*"|\S+)', message):
        return f"no MIDI {match.group(1)} matches {match.group(2)}"
    if message.startswith("no audio device"):
        return "no audio device: soundfont tracks are silent"
    if message.startswith("soundfont tracks are silent"):
        return "no soundfont: soundfont tracks are silent"
    if match := re.match(r'instrument (\w+) "(.*)": no MIDI port .*stand-in', message):
        return f'instrument {match.group(1)} "{match.group(2)}": no port, soundfont stand-in'
    if match := re.match(r"MIDI port (.+) vanished", message):
        return f"MIDI port {match.group(1)} unplugged"
    first = re.split(r" \(|; ", message, maxsplit=1)[0]
    return first if len(first) <= _NOTE_LIMIT else first[: _NOTE_LIMIT - 1] + "…"


def midi_part(ports: Iterable[tuple[str, str]], no_midi_system: bool) -> str:
    """`MIDI: tracker:out`, `MIDI: "synth" not found`, or why there is no MIDI at all."""
    ports = list(ports)
    if no_midi_system and not any(state == "open" for _, state in ports):
        return f"MIDI: {NO_MIDI_SYSTEM}"
    shown = [
        name if state == "open" else f"{name} {_PORT_STATES.get(state, state)}"
        for name, state in ports
    ]
    return "MIDI: " + (", ".join(shown) or "no ports")


def audio_part(audio: str) -> str:
    """`audio: pulseaudio`, `audio: no device, silent`; empty when the synth is off."""
    if not audio:
        return ""
    if audio.startswith("silent: "):
        reason = audio.removeprefix("silent: ")
        return f"audio: {_SILENT.get(reason, reason + ', silent')}"
    return f"audio: {audio}"


def status_line(
    ports: Iterable[tuple[str, str]], audio: str, *, no_midi_system: bool, note: str = ""
) -> str:
    """The whole line: a fresh note first (it is news), then MIDI and audio."""
    parts = [note, midi_part(ports, no_midi_system), audio_part(audio)]
    return SEPARATOR.join(p for p in parts if p)
