"""MIDI ports: list them, open them by name pattern, keep them open across hot-plugs.

python-rtmidi directly (mido's port layer adds a Python message object per send;
the player sends bytes it prepared ahead of the deadline). The API is chosen once:
ALSA where the sequencer exists (/dev/snd/seq), else JACK when a server answers;
`TRACKER_MIDI_API=alsa|jack` overrides.

A port that disappears mid-song is reported, not fatal: `ManagedOutput` drops what
is sent while it is gone, `ManagedInput` reads nothing, and both reopen when their
port shows up again in the port list.
"""

from __future__ import annotations

import fnmatch
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Self, TypeVar

import rtmidi

from tracker.errors import MidiPortError
from tracker.midi.jack_period import jack_period_ms
from tracker.midi.names import (
    CLIENT_NAME,
    IN_PORT,
    LIST_CLIENT,
    OUT_PORT,
    WATCH_CLIENT,
    PortChange,
    PortState,
)

API_ENV = "TRACKER_MIDI_API"

Matcher = str | Callable[[str], bool]
"""A port name pattern (case-insensitive substring or glob), or a
predicate such as `Device.matches` from a device file (devices/*.toml)."""

_API_NAMES = {"alsa": rtmidi.API_LINUX_ALSA, "jack": rtmidi.API_UNIX_JACK}


def midi_api() -> int:
    """The rtmidi API to use on this machine."""
    wanted = os.environ.get(API_ENV, "").strip().lower()
    if wanted:
        if wanted not in _API_NAMES:
            raise MidiPortError(f'{API_ENV}="{wanted}" is not a MIDI system (use "alsa" or "jack")')
        return int(_API_NAMES[wanted])
    compiled = rtmidi.get_compiled_api()
    if rtmidi.API_LINUX_ALSA in compiled and os.path.exists("/dev/snd/seq"):
        return int(rtmidi.API_LINUX_ALSA)
    if rtmidi.API_UNIX_JACK in compiled:
        return int(rtmidi.API_UNIX_JACK)
    raise MidiPortError(
        "no MIDI system found: there is no ALSA sequencer (/dev/snd/seq) and no JACK support"
    )


def queue_lead_ms() -> float:
    """How early an output's messages should leave to land centred on their time: half
    the JACK period on JACK (jack_period.py), nothing on ALSA, whose sequencer passes
    them on as they come."""
    try:
        api = midi_api()
    except MidiPortError:
        return 0.0
    period = jack_period_ms() if api == rtmidi.API_UNIX_JACK else None
    return period / 2 if period else 0.0


def _rtmidi_call(what: str, make: Callable[[], Any]) -> Any:
    try:
        return make()
    except (rtmidi.RtMidiError, SystemError, OSError) as error:
        hint = ""
        if midi_api() == rtmidi.API_UNIX_JACK:
            hint = (
                " (is the JACK server running? start it with `jackd -d dummy` or your audio setup)"
            )
        raise MidiPortError(f"cannot {what}: {error}{hint}") from error


def _new_out(client: str = CLIENT_NAME) -> Any:
    return _rtmidi_call("reach the MIDI system", lambda: rtmidi.MidiOut(midi_api(), client))


def _new_in(client: str = CLIENT_NAME) -> Any:
    return _rtmidi_call("reach the MIDI system", lambda: rtmidi.MidiIn(midi_api(), client))


class PortLister:
    """Lists ports through one client per direction kept open: opening a client per look costs
    the MIDI system a reconfiguration (tens of milliseconds under JACK), which a
    player polling for hot-plugs every second must not pay."""

    def __init__(self) -> None:
        self._out: Any = None
        self._in: Any = None

    def outputs(self) -> list[str]:
        if self._out is None:
            self._out = _new_out(WATCH_CLIENT)
        return list(self._out.get_ports())

    def inputs(self) -> list[str]:
        if self._in is None:
            self._in = _new_in(WATCH_CLIENT)
        return list(self._in.get_ports())

    def close(self) -> None:
        for handle in (self._out, self._in):
            if handle is not None:
                handle.delete()
        self._out = self._in = None


def list_outputs() -> list[str]:
    """Ports we can send to (other programs' inputs, hardware synths)."""
    out = _new_out(LIST_CLIENT)
    try:
        return list(out.get_ports())
    finally:
        out.delete()


def list_inputs() -> list[str]:
    """Ports we can receive from (keyboards, other programs' outputs)."""
    inp = _new_in(LIST_CLIENT)
    try:
        return list(inp.get_ports())
    finally:
        inp.delete()


def matches(match: Matcher, name: str) -> bool:
    """A predicate's answer, or the pattern as a case-insensitive substring or glob
    (`*`, `?`, `[...]`, as in a device file's ports)."""
    if callable(match):
        return bool(match(name))
    pattern, folded = match.casefold(), name.casefold()
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(folded, pattern)
    return pattern in folded


def find_port(names: list[str], match: Matcher) -> int | None:
    """Index of the port to use: an exact name first, then the first match."""
    if isinstance(match, str) and match in names:
        return names.index(match)
    for i, name in enumerate(names):
        if matches(match, name):
            return i
    return None


def describe(match: Matcher) -> str:
    return f'"{match}"' if isinstance(match, str) else getattr(match, "__name__", "the device")


class _Port:
    """An open rtmidi port: its name, and closing it (also as a context manager)."""

    def __init__(self, handle: Any, name: str) -> None:
        self._handle = handle
        self.name = name

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close_port()
            self._handle.delete()
            self._handle = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OutputPort(_Port):
    """One open output: `send` takes ready-made bytes."""

    def __init__(self, handle: Any, name: str) -> None:
        super().__init__(handle, name)
        self.send_message: Callable[[bytes], None] = handle.send_message
        """rtmidi's own send, bound once: the player calls it straight, once per message."""

    def send(self, message: bytes) -> None:
        self.send_message(message)


def open_output(match: Matcher, client: str = CLIENT_NAME) -> OutputPort:
    """Open the first output whose name matches; MidiPortError lists what exists."""
    handle = _new_out(client)
    return OutputPort(handle, _open_matching(handle, match, "output", OUT_PORT))


def open_virtual_output(name: str = OUT_PORT, client: str = CLIENT_NAME) -> OutputPort:
    """Our own port, named `client:name`, that other programs connect to."""
    handle = _new_out(client)
    _rtmidi_call(f'create MIDI port "{name}"', lambda: handle.open_virtual_port(name))
    return OutputPort(handle, f"{client}:{name}")


class InputPort(_Port):
    """One open input, read by polling (never by callback: see DESIGN.md section 4).

    `poll` returns (arrival ns on perf_counter_ns, bytes) for every waiting message;
    the arrival is when we read it, so poll often.
    """

    def poll(self) -> list[tuple[int, bytes]]:
        got: list[tuple[int, bytes]] = []
        while True:
            message = self._handle.get_message()
            if message is None:
                return got
            got.append((time.perf_counter_ns(), bytes(message[0])))


def _prepared_in(client: str) -> Any:
    handle = _new_in(client)
    handle.ignore_types(sysex=True, timing=False, active_sense=True)
    return handle


def open_input(match: Matcher, client: str = CLIENT_NAME) -> InputPort:
    handle = _prepared_in(client)
    return InputPort(handle, _open_matching(handle, match, "input", IN_PORT))


def _open_matching(handle: Any, match: Matcher, kind: str, own_name: str) -> str:
    """Open the first of the handle's ports whose name matches; its name. MidiPortError
    (the handle freed) lists what exists when none does."""
    names = list(handle.get_ports())
    index = find_port(names, match)
    if index is None:
        handle.delete()
        available = ", ".join(names) or "none"
        raise MidiPortError(f"no MIDI {kind} matches {describe(match)} (available: {available})")
    _rtmidi_call(f'open MIDI {kind} "{names[index]}"', lambda: handle.open_port(index, own_name))
    return str(names[index])


def open_virtual_input(name: str = IN_PORT, client: str = CLIENT_NAME) -> InputPort:
    handle = _prepared_in(client)
    _rtmidi_call(f'create MIDI port "{name}"', lambda: handle.open_virtual_port(name))
    return InputPort(handle, f"{client}:{name}")


P = TypeVar("P", bound=_Port)


@dataclass
class _Managed(Generic[P]):
    """A port found by pattern that survives its device leaving and coming back.

    `refresh` (the player calls it about once a second with the current port list)
    closes it when its port vanished and reopens it when a match appears again.
    """

    match: Matcher
    virtual_name: str | None = None
    """Set for a port of our own (`tracker:<name>`): nothing to find, never lost."""
    status: PortState = "closed"
    errors: list[str] = field(default_factory=list)
    port: P | None = None

    @property
    def label(self) -> str:
        if self.port is not None:
            return self.port.name
        return self.virtual_name or describe(self.match)

    def _open(self) -> P:
        raise NotImplementedError

    def try_open(self) -> bool:
        try:
            self.port = self._open()
        except MidiPortError as error:
            self.errors.append(error.message)
            if self.status != "lost":
                self.status = "missing"
            return False
        self.status = "open"
        return True

    def refresh(self, names: list[str]) -> PortChange | None:
        """React to the current port list: returns "lost" or "back" on a change."""
        if self.virtual_name is not None:
            return None
        if self.port is not None and self.port.name not in names:
            self.close()
            self.status = "lost"
            return "lost"
        if self.port is None and find_port(names, self.match) is not None:
            was = self.status
            if self.try_open():
                return "back" if was == "lost" else "open"
        return None

    def close(self) -> None:
        if self.port is not None:
            self.port.close()
            self.port = None
        self.status = "closed"


@dataclass
class ManagedOutput(_Managed[OutputPort]):
    """An output that drops what is sent while its device is gone."""

    latency_ms: float = 0.0
    """The device's own delay: positive sends earlier, negative later."""
    queue_lead_ms: float = 0.0
    """What the MIDI system's own queueing asks for (`queue_lead_ms()`)."""
    dropped: int = 0

    @property
    def lead_ms(self) -> float:
        """How early this port's messages leave their time: the device's latency plus
        the MIDI system's queueing."""
        return self.latency_ms + self.queue_lead_ms

    def _open(self) -> OutputPort:
        if self.virtual_name is not None:
            return open_virtual_output(self.virtual_name)
        return open_output(self.match)

    def send(self, message: bytes) -> bool:
        if self.port is None:
            self.dropped += 1
            return False
        try:
            self.port.send_message(message)
        except (rtmidi.RtMidiError, SystemError, OSError) as error:
            self.errors.append(f"{self.label}: {error}")
            self.dropped += 1
            return False
        return True


@dataclass
class ManagedInput(_Managed[InputPort]):
    """An input (a keyboard, a clock master) that reads nothing while its device is
    gone."""

    def _open(self) -> InputPort:
        if self.virtual_name is not None:
            return open_virtual_input(self.virtual_name)
        return open_input(self.match)

    def poll(self) -> list[tuple[int, bytes]]:
        return self.port.poll() if self.port is not None else []
