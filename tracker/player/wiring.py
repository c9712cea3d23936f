"""Where the player's sound goes: its MIDI ports (kept open across hot-plugs), its
MIDI inputs, the live soundfont synth, and which instrument plays where.

Opened at process start and re-routed at each Play, never in the timing loop;
`refresh` is the once-a-second look for ports that vanished or came back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tracker.engine.events import Event
from tracker.errors import TrackerError
from tracker.midi.names import CLOCK_IN_PORT, IN_PORT, PortState
from tracker.midi.ports import ManagedInput, ManagedOutput, PortLister, queue_lead_ms
from tracker.player.protocol import Notice, NoticeKind, PlayerConfig, PortSpec, SynthConfig
from tracker.player.stream import CLOCK_PORT, DEFAULT_PORT, SYNTH_PORT, TURN_PORT
from tracker.song.model import Song

if TYPE_CHECKING:
    from tracker.audio.live import LiveOutput, LiveSynth
    from tracker.audio.patches import Patch
    from tracker.player.audio_link import AudioLink


_HOT_PLUG_NOTICES: dict[str, tuple[NoticeKind, NoticeKind]] = {
    "port": ("port_lost", "port_back"),
    "input": ("input_lost", "input_back"),
}
"""The notices a vanished and a returning output ("port") or input say."""


class Wiring:
    def __init__(self, config: PlayerConfig, errors: list[Notice]) -> None:
        self.config = config
        self.errors = errors
        """Shared with the transport, which reports them in its status."""
        self.ports: dict[str, ManagedOutput] = {}
        self.midi_in: ManagedInput | None = None
        self.clock_in: ManagedInput | None = None
        self.lister = PortLister()
        self.lister_error: str | None = None
        """Why the port list could not be read at the last look (None: it could)."""
        self.no_midi_system = False
        """The MIDI system could not be reached at the last look: what a port that
        would not open has to say is that, not that its device is missing."""
        self.synth_config = config.live_synth
        self.synth: LiveOutput | None = None
        self.link: AudioLink | None = None
        """The audio process, when streaming or capturing (it plays as self.synth)."""
        self.listen_url = ""
        """Where the audio process serves the live mix ("" when it does not)."""
        self.audio = ""
        """The synth's state for the status line: its driver, or why it is silent."""
        self.routes: dict[int, str] = {}
        """Instrument number -> port key (or SYNTH_PORT), fixed at each Play."""
        self.mirrored: frozenset[int] = frozenset()
        """Instruments on a MIDI port whose soundfont fallback also goes to the audio
        process (`--listen-fallback`): heard in the room and on the stream."""
        self.told: set[Notice] = set()
        """Routing notes already reported (each is said once)."""
        self.queue_lead_ms = 0.0
        """Every output's `queue_lead_ms`, asked once at the opening."""

    # ------------------------------------------------------------ opening

    def open(self) -> None:
        self.spawn_audio_process()  # first: it starts up while the ports open
        specs: dict[str, PortSpec] = {DEFAULT_PORT: self.config.output}
        for number, spec in self.config.instrument_ports.items():
            specs[f"inst{number:02X}"] = spec
        if self.config.clock_out is not None:
            specs[CLOCK_PORT] = self.config.clock_out
        self.queue_lead_ms = queue_lead_ms()
        for key, spec in specs.items():
            port = ManagedOutput(
                spec.match,
                latency_ms=spec.latency_ms,
                virtual_name=spec.match if spec.virtual else None,
                queue_lead_ms=self.queue_lead_ms,
            )
            port.try_open()
            self.ports[key] = port
        if self.config.midi_in is not None:
            self.midi_in = self.open_input(self.config.midi_in, IN_PORT)
        if self.config.clock_in is not None:
            self.clock_in = self.open_input(self.config.clock_in, CLOCK_IN_PORT)
        states = [port.status for port in self.ports.values()]
        if any(state != "open" for state in states + [port.status for port in self.inputs()]):
            self.no_midi_system = not self.midi_system_answers()
        self.open_synth()

    def midi_system_answers(self) -> bool:
        """Whether the MIDI system lists its ports: why ports did not open, asked once
        at the start when one did not (the hot-plug look asks again each second)."""
        try:
            self.lister.outputs()
        except TrackerError:
            return False
        return True

    @staticmethod
    def open_input(match: str, virtual_name: str) -> ManagedInput:
        """An input by pattern (or our own port, for "virtual"); one that is not
        there yet is opened when it appears."""
        port = ManagedInput(match, virtual_name=virtual_name if match == "virtual" else None)
        port.try_open()
        return port

    def open_synth(self) -> None:
        """Start the live soundfont synth. Without a soundfont or an audio device the
        player plays on silently and says so once; MIDI ports are not affected."""
        config = self.synth_config
        if config is None:
            return
        from tracker.audio.live import LiveSynth, audio_driver
        from tracker.audio.soundfonts import find_soundfont

        try:
            font = config.soundfont or find_soundfont(None, None)
            synth = LiveSynth(font)
        except TrackerError as error:
            self.audio = "silent: no soundfont"
            self.errors.append(
                Notice("no_soundfont", f"soundfont tracks are silent: {error.message}")
            )
            return
        if self.link is not None:
            self.open_audio_process(synth, config)
            return
        try:
            self.audio = synth.start(audio_driver(config.driver), config.device, config.file)
        except TrackerError as error:
            synth.close()
            self.audio = "silent: no audio device"
            self.errors.append(
                Notice(
                    "no_audio_device",
                    "no audio device: soundfont tracks are silent, MIDI ports play on "
                    f"({error.message})",
                )
            )
            return
        self.synth = synth

    def spawn_audio_process(self) -> None:
        """Start the audio process (audio_link.py) when there is a stream to serve or a
        capture to write; open_synth waits for it to answer."""
        from tracker.player.audio_link import link_for

        self.link = link_for(self.config)  # without a soundfont: None, open_synth says so

    def open_audio_process(self, synth: LiveSynth, config: SynthConfig) -> None:
        """Stream and capture through the audio process; a sound device, when there is
        one, still plays through FluidSynth's driver beside it. Asked for by name
        (--listen, --record-audio), so a failure to serve is the player's: a
        TrackerError, not a notice."""
        from tracker.audio.live import audio_driver

        link = self.link
        assert link is not None
        try:
            self.listen_url = link.start()
        except TrackerError:
            synth.close()
            raise
        served = self.listen_url or "recording"
        try:
            driver = synth.start(audio_driver(config.driver), config.device, config.file)
        except TrackerError:
            synth.close()
            self.audio = served
        else:
            link.device = synth
            self.audio = f"{driver} + {served}"
        self.synth = link

    def capture(self, path: Path | None) -> None:
        """Start or stop an audio capture (the editor's key) in the audio process."""
        if self.link is None or self.synth is not self.link:
            self.tell(Notice("capture", "audio capture needs the stream: start with --listen PORT"))
            return
        self.link.capture(path)

    def send_now(self, key: str, data: bytes) -> None:
        port = self.ports.get(key)
        if port is not None:
            port.send(data)

    def close(self) -> None:
        for port in self.ports.values():
            port.close()
        if self.synth is not None:
            self.synth.close()
            self.synth = None
        if self.link is not None:
            self.link.close()  # twice is nothing; once unused (no soundfont), it is needed
        self.lister.close()
        for source in self.inputs():
            source.close()

    # ------------------------------------------------------------ routing

    def route(self, song: Song, song_dir: Path | None) -> None:
        """Decide where each instrument plays, for this Play: its device's port when
        that port is there; the live synth for soundfont instruments, and for device
        instruments whose port is missing (their fallback program, so the song still
        sounds); the default output otherwise."""
        self.route_devices(song)
        self.routes = {}
        patches = self.synth_patches(song, song_dir)
        for number, instrument in song.instruments.items():
            key = f"inst{number:02X}"
            port = self.ports.get(key)
            if port is not None and (port.status == "open" or number not in patches):
                self.routes[number] = key
            elif port is not None:
                self.routes[number] = SYNTH_PORT
                who = f'{number:02X} "{instrument.name}"'
                self.tell(
                    Notice(
                        "stand_in",
                        f"instrument {who}: no MIDI port matches {port.label}; "
                        "playing its soundfont stand-in",
                        port=port.label,
                        instrument=who,
                    )
                )
            elif number in patches and not instrument.device:
                self.routes[number] = SYNTH_PORT
            else:  # a catch-all device (generic), or no synth: the default MIDI output
                self.routes[number] = DEFAULT_PORT
        self.mirror(patches)

    def mirror(self, patches: dict[int, Patch]) -> None:
        """`--listen-fallback`: every instrument that plays on a MIDI port and has a
        soundfont stand-in is streamed and captured through it too."""
        out = self.config.audio_out
        if self.link is None or self.synth is not self.link or out is None or not out.fallback:
            return
        self.mirrored = frozenset(
            n for n, key in self.routes.items() if key != SYNTH_PORT and n in patches
        )
        self.link.stream_only = self.mirrored

    def mirrors(self, event: Event) -> bool:
        """The event also plays on the stream's synth (a mirrored instrument's)."""
        return event.instrument is not None and event.instrument in self.mirrored

    def synth_patches(self, song: Song, song_dir: Path | None) -> dict[int, Patch]:
        """Each instrument's soundfont program, loaded into the synth (before the start)."""
        if self.synth is None or self.synth_config is None:
            return {}
        from tracker.audio.patches import instrument_patches
        from tracker.audio.soundfonts import find_soundfont

        warnings: list[str] = []
        try:
            font = self.synth_config.soundfont or find_soundfont(song.soundfont, song_dir)
            patches = instrument_patches(song, font, song_dir, warnings)
        except TrackerError as error:
            self.tell(Notice("no_soundfont", f"soundfont tracks are silent: {error.message}"))
            return {}
        for problem in warnings + self.synth.set_patches(patches):
            self.tell(Notice("soundfont", problem))
        return dict(self.synth.patches)

    def tell(self, note: Notice) -> None:
        if note not in self.told:
            self.told.add(note)
            self.errors.append(note)

    def route_devices(self, song: Song) -> None:
        """Instruments on a hardware device go to the port that device's patterns
        match (with its latency), unless the config routes them already; catch-all
        devices (generic) stay on the default output."""
        from tracker.instruments import load_device

        for number, instrument in song.instruments.items():
            key = f"inst{number:02X}"
            if instrument.device is None or key in self.ports:
                continue
            try:
                device = load_device(instrument.device)
            except TrackerError as error:
                self.errors.append(Notice("device", error.message))
                continue
            if device.matches_any_port:
                continue
            port = ManagedOutput(
                device.matches, latency_ms=device.latency_ms, queue_lead_ms=self.queue_lead_ms
            )
            port.try_open()
            self.ports[key] = port

    def inputs(self) -> list[ManagedInput]:
        return [port for port in (self.midi_in, self.clock_in) if port is not None]

    def describe(self) -> tuple[tuple[str, PortState], ...]:
        # midi/ports.py keeps the state as a plain str, always one of PortState's.
        outputs = [(p.label, p.status) for p in self.ports.values()]
        return tuple(outputs + [(p.label, p.status) for p in self.inputs()])

    def refresh(self) -> tuple[list[str], bool]:
        """Look for ports that vanished or came back; (the keys of outputs lost, whether
        the MIDI input was): their notes cannot be ended there any more."""
        lost: list[str] = []
        news = self.synth.news() if self.synth is not None else None
        self.audio = news or self.audio
        for said in self.link.said() if self.link is not None else ():
            self.errors.append(Notice("capture", said))
        try:
            outputs = self.lister.outputs()
            inputs = self.lister.inputs() if self.inputs() else []
        except TrackerError as error:
            if error.message != self.lister_error:  # said once, not at every look
                self.errors.append(Notice("no_midi_system", error.message))
            self.lister_error = error.message
            self.no_midi_system = True
            return lost, False
        self.lister_error = None
        self.no_midi_system = False
        for key, port in self.ports.items():
            if self._refreshed(port, outputs, "port"):
                lost.append(key)
        keyboard_lost = False
        for source in self.inputs():
            if self._refreshed(source, inputs, "input"):
                keyboard_lost = keyboard_lost or source is self.midi_in
        return lost, keyboard_lost

    def _refreshed(
        self, port: ManagedOutput | ManagedInput, names: list[str], what: Literal["port", "input"]
    ) -> bool:
        """Look for one port in the current list and tell a loss or a return; True when
        it was lost."""
        change = port.refresh(names)
        lost_kind, back_kind = _HOT_PLUG_NOTICES[what]
        if change == "lost":
            self.errors.append(
                Notice(
                    lost_kind,
                    f"MIDI {what} {port.label} vanished; playing on without it",
                    port=port.label,
                )
            )
        elif change == "back":
            self.errors.append(
                Notice(back_kind, f"MIDI {what} {port.label} is back", port=port.label)
            )
        return change == "lost"

    def latency_ns(self, key: str) -> int:
        """How early items for this port leave: its lead, the synth's lookahead, or for
        the stream's turning points the least every port leads by."""
        if key == SYNTH_PORT:
            return self.lookahead_ns()
        if key == TURN_PORT:
            return round(self.queue_lead_ms * 1_000_000)
        port = self.ports.get(key)
        return round(port.lead_ms * 1_000_000) if port is not None else 0

    def lookahead_ns(self) -> int:
        if self.synth is None or self.synth_config is None:
            return 0
        return round(self.synth_config.lookahead_ms * 1_000_000)

    def port_for(self, event: Event) -> str:
        if event.instrument is not None and event.instrument in self.routes:
            return self.routes[event.instrument]
        if event.instrument is not None:
            key = f"inst{event.instrument:02X}"
            if key in self.ports:
                return key
        return DEFAULT_PORT

    def preview_port(self, number: int | None) -> str:
        """Where the instrument plays in the song: its route, else its own port, else out."""
        if number is None:
            return DEFAULT_PORT
        if number in self.routes:
            return self.routes[number]
        key = f"inst{number:02X}"
        return key if key in self.ports else DEFAULT_PORT
