"""The player process on real JACK ports, as its tests share it: songs at 240 bpm with
4 lines per beat (a line is 62.5 ms, so a pattern of 8 lines lasts half a second), what
every play of them opens with, what a synth got once the last note-offs crossed JACK,
and the player's own send log, by which timing is judged (JACK delivers at the next
1.3 ms period, so arrival times are snapped)."""

from __future__ import annotations

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.midi_bytes import notes_left_on
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import RequestLog, SendLog
from tracker.song.model import Song

PROGRAM_0 = bytes((0xC0, 0))
STRIP_0 = [bytes((0xB0, 7, 100)), bytes((0xB0, 10, 64))]
"""A track's mixer strip at its defaults: 0 dB (CC 7 = 100), centre (CC 10 = 64)."""
OPENING = [PROGRAM_0, *STRIP_0]
"""What every play of a one-track song on channel 1 starts with."""


# C-4 then E-4 then a G-4 held to the end of the song
ARPEGGIO = """
    C-4 01 64 ...
    --- .. .. ...
    OFF .. .. ...
    E-4 01 50 ...
    --- .. .. ...
    OFF .. .. ...
    G-4 01 40 ...
    --- .. .. ...
"""

# two tracks, each holding a long note: something to cut with stop, mute or jump
LONG_NOTES = (
    """
    C-4 01 64 ... | C-3 01 64 ...
"""
    + "    --- .. .. ... | --- .. .. ...\n" * 15
)


def long_notes_then_arpeggio() -> Song:
    """Pattern 00: two held notes for 16 lines; 01: the arpeggio, on the first track."""
    arpeggio = "\n".join(
        line.strip() + " | --- .. .. ..." for line in ARPEGGIO.strip().splitlines()
    )
    return build_song(LONG_NOTES, arpeggio, bpm=240)


def settled(receiver: Receiver) -> list[bytes]:
    """What the synth got once the last note-offs have crossed JACK."""
    return receiver.wait_for(lambda got: not notes_left_on(got))


def send_log(player: PlayerHandle) -> SendLog:
    player.send(RequestLog())
    log: SendLog = player.wait_for(SendLog)
    return log
