"""Notes typed or auditioned in the editor: heard at once on their instrument's
route, playing or stopped, and each owes its note-off like any other note.

Stopped, a preview first sets its channel up as the song would: the instrument's
program and the track's mixer strip (engine/mixer.py), each sent once until the
next Play, so a note typed into a track at -12 dB sounds at -12 dB."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tracker.engine.clock import NS_PER_S
from tracker.engine.events import Event, Kind
from tracker.engine.mixer import Strip, channel_strips, strip, track_instruments
from tracker.engine.routing import assign_channels
from tracker.engine.score import Score
from tracker.errors import TrackerError
from tracker.midi.encode import event_messages, note_off, note_on
from tracker.midi.notes import SoundingNotes
from tracker.player.protocol import Preview
from tracker.player.stream import SYNTH_PORT
from tracker.player.wiring import Wiring
from tracker.song.model import Song

PREVIEW_OWNER = -100
"""SoundingNotes owner of a preview in track t: PREVIEW_OWNER - t, never a track's own
number, so muting a track leaves a note being auditioned there alone."""


@dataclass(frozen=True, slots=True)
class HeldPreview:
    """A previewed note that still owes its note-off."""

    port: str
    channel: int
    note: int
    instrument: int | None
    off_ns: int


class Previews:
    def __init__(
        self, wiring: Wiring, notes: SoundingNotes, record: Callable[[int, str, bytes], None]
    ) -> None:
        self.wiring = wiring
        self.notes = notes
        self.record = record
        """Told of each message sent (the send log, when the config keeps one)."""
        self.held: dict[int, HeldPreview] = {}
        """Track -> the note previewed there, until its note-off."""
        self.programs: dict[tuple[str, int], tuple[int, int]] = {}
        """(port, channel) -> (program, bank) a stopped preview set there; forgotten at
        each Play (the song sets its own programs)."""
        self.controls: dict[tuple[str, int, int], int] = {}
        """(port, channel, controller) -> the mixer value a stopped preview set there;
        forgotten with the programs."""
        self._strips: tuple[Song, dict[int, Strip]] | None = None
        """The song last asked about and the strip each of its channels carries."""

    def __bool__(self) -> bool:
        return bool(self.held)

    def start(self, command: Preview, now: int, song: Song | None, playing: bool) -> None:
        """A typed or auditioned note, heard now on its instrument's route; the note
        before it in the same track ends first."""
        self.end(command.track, now)
        number = command.instrument
        if number is None and song is not None and song.instruments:
            number = min(song.instruments)
        instrument = song.instruments.get(number) if song and number is not None else None
        velocity = command.velocity if command.velocity is not None else 100
        if command.velocity is None and instrument is not None:
            velocity = instrument.volume
        velocity = max(0, min(127, velocity))
        if velocity == 0 or not 0 <= command.note <= 127:
            return
        key = self.wiring.preview_port(number)
        channel = self.channel(song, number)
        if key == SYNTH_PORT:
            synth = self.wiring.synth
            if synth is None:
                return
            if not playing and song is not None:  # mid-song the clock stays as the song set it
                synth.resync_if_drifted(now)
                self.set_strip(now, key, channel, song, command.track, number)
            synth.play(now, self.note_event(Kind.NOTE_ON, command, channel, velocity, number))
        else:
            if not playing and instrument is not None and number is not None:
                self.set_program(key, channel, number, instrument.program, instrument.bank)
            if not playing and song is not None:
                self.set_strip(now, key, channel, song, command.track, number)
            data = note_on(channel, command.note, velocity)
            self.notes.observe(key, data, PREVIEW_OWNER - command.track)
            self.wiring.send_now(key, data)
            self.record(now, key, data)
            if number in self.wiring.mirrored and self.wiring.synth is not None:
                on = self.note_event(Kind.NOTE_ON, command, channel, velocity, number)
                self.wiring.synth.play(now, on)  # its stand-in, on the stream only
        off_ns = now + round(max(0.0, command.seconds) * NS_PER_S)
        self.held[command.track] = HeldPreview(key, channel, command.note, number, off_ns)

    @staticmethod
    def note_event(
        kind: Kind, command: Preview, channel: int, velocity: int, number: int | None
    ) -> Event:
        return Event(0.0, 0.0, 0, kind, command.track, channel, command.note, velocity, number)

    @staticmethod
    def channel(song: Song | None, number: int | None) -> int:
        if song is None or number is None:
            return 0
        try:
            return assign_channels(song).get(number, 0)
        except TrackerError:
            return 0  # a channel out of range: the song will not play either; it says why

    def set_program(self, key: str, channel: int, number: int, program: int, bank: int) -> None:
        """Stopped, the port may hold another program: set the instrument's, once."""
        if self.programs.get((key, channel)) == (program, bank):
            return
        self.programs[(key, channel)] = (program, bank)
        event = Event(0.0, 0.0, 0, Kind.PROGRAM, -1, channel, program, bank, number)
        for data in event_messages(event):
            self.wiring.send_now(key, data)

    def forget(self) -> None:
        """A Play, or new routes: the song sets programs and strips itself."""
        self.programs.clear()
        self.controls.clear()

    def set_strip(
        self, now: int, key: str, channel: int, song: Song, track: int, number: int | None
    ) -> None:
        """Stopped: the mixer strip the song gives the channel (the track's own when the
        song does not play it yet), each controller sent once."""
        if self._strips is None or self._strips[0] is not song:
            try:
                uses = track_instruments(song, Score(song))
                self._strips = (song, channel_strips(song, uses, assign_channels(song)))
            except TrackerError:
                self._strips = (song, {})  # the song will not play either; it says why
        pairs = self._strips[1].get(channel)
        if pairs is None:
            if not 0 <= track < len(song.tracks):
                return
            pairs = strip(song.tracks[track])
        for controller, value in pairs:
            if self.controls.get((key, channel, controller)) == value:
                continue
            self.controls[(key, channel, controller)] = value
            event = Event(0.0, 0.0, 0, Kind.CONTROL, track, channel, controller, value, number)
            if key == SYNTH_PORT:
                if self.wiring.synth is not None:
                    self.wiring.synth.play(now, event)
                continue
            for data in event_messages(event):
                self.wiring.send_now(key, data)
                self.record(now, key, data)

    def end(self, track: int, now: int) -> None:
        """The owed note-off of the track's preview (none when stop or panic ended it)."""
        held = self.held.pop(track, None)
        if held is None:
            return
        if held.port == SYNTH_PORT:
            if self.wiring.synth is not None:
                off = Event(0.0, 0.0, 0, Kind.NOTE_OFF, track, held.channel, held.note, 0)
                self.wiring.synth.play(now, off._replace(instrument=held.instrument))
            return
        if held.instrument in self.wiring.mirrored and self.wiring.synth is not None:
            off = Event(0.0, 0.0, 0, Kind.NOTE_OFF, track, held.channel, held.note, 0)
            self.wiring.synth.play(now, off._replace(instrument=held.instrument))
        data = note_off(held.channel, held.note)
        if self.notes.observe(held.port, data):
            self.wiring.send_now(held.port, data)
            self.record(now, held.port, data)

    def end_due(self, now: int) -> None:
        for track in [t for t, held in self.held.items() if held.off_ns <= now]:
            self.end(track, now)
