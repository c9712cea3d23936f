"""The player's state in a few words for the status line: where MIDI goes, what the audio does.

The player reports notices (tracker.player.protocol.Notice): what each is about,
and the full sentence with the libraries' own words in it ("cannot reach the MIDI
system: MidiOutJack::initialize: JACK server not running? ..."). The sentence is
right for the log (~/.cache/tracker/player.log, where the player writes it whole),
too long and too technical for the one line a musician glances at. Here each
notice becomes a short phrase that says what to do, chosen by its kind, never by
reading its sentence; and the whole line fits 80 columns in the common cases.
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.midi.names import PortState
from tracker.player.protocol import Notice

NO_MIDI_SYSTEM = "no MIDI system (start JACK or load snd-seq)"
SEPARATOR = " · "
QUIET_KINDS = frozenset({"no_midi_system", "no_soundfont", "no_audio_device"})
"""Notices the line shows already (the MIDI part, the audio part): not news."""

_PORT_STATES = {"missing": "not found", "lost": "unplugged", "closed": "closed"}
_SILENT = {
    "no audio device": "no device, silent",
    "no soundfont": "no soundfont, silent",
}
_NOTE_LIMIT = 60


def short_notice(notice: Notice) -> str:
    """One thing the player said, in a few words (the log keeps the whole sentence)."""
    match notice.kind:
        case "no_midi_system":
            return NO_MIDI_SYSTEM
        case "output_missing":
            return f"no MIDI output matches {notice.port}"
        case "no_audio_device":
            return "no audio device: soundfont tracks are silent"
        case "no_soundfont":
            return "no soundfont: soundfont tracks are silent"
        case "stand_in":
            return f"instrument {notice.instrument}: no port, soundfont stand-in"
        case "port_lost":
            return f"MIDI port {notice.port} unplugged"
    return short_note(notice.text)


def short_note(message: str) -> str:
    """An error's first clause, cut to fit: for what comes as text, not as a notice
    (why the player did not start or stopped, a command it refused)."""
    if "reach the MIDI system" in message or message.startswith("no MIDI system"):
        return NO_MIDI_SYSTEM  # a start that failed on it says so in an exception
    cuts = [at for at in (message.find(" ("), message.find("; ")) if at >= 0]
    first = message[: min(cuts)] if cuts else message
    return first if len(first) <= _NOTE_LIMIT else first[: _NOTE_LIMIT - 1] + "…"


def midi_part(ports: Iterable[tuple[str, PortState]], no_midi_system: bool) -> str:
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
    ports: Iterable[tuple[str, PortState]], audio: str, *, no_midi_system: bool, note: str = ""
) -> str:
    """The whole line: a fresh note first (it is news), then MIDI and audio."""
    parts = [note, midi_part(ports, no_midi_system), audio_part(audio)]
    return SEPARATOR.join(p for p in parts if p)
