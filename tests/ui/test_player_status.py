"""The status line's words about the player (tracker/ui/player_status.py and the
transport's status): where MIDI and audio go, why there is no player, news that leads
the line for a while, each notice cut to what a musician needs; and the editor's
options that choose the MIDI port and the audio driver.

The player here is the RecordingPlayer seam (see conftest), its Status and Notice
the real tracker.player ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.pilot import RecordingPlayer, make_app, second_line
from tracker.midi.names import PortState
from tracker.player.protocol import Notice, PortSpec, Ready, Status
from tracker.song.model import Song
from tracker.ui import editor_player_config
from tracker.ui.player_link import Transport
from tracker.ui.player_news import NOTE_SECONDS
from tracker.ui.player_status import short_note, short_notice

NO_JACK = (
    "cannot reach the MIDI system: MidiOutJack::initialize: JACK server not running? "
    "(is the JACK server running? start it with `jackd -d dummy` or your audio setup)"
)


def status(
    ports: tuple[tuple[str, PortState], ...], audio: str = "", errors: tuple[Notice, ...] = ()
) -> Status:
    return Status(False, False, ports, 0, 0, 0.0, 0, errors, audio)


async def test_without_a_midi_system_the_status_line_says_what_to_do_in_80_columns(
    player: RecordingPlayer,
) -> None:
    app = make_app(Song.new(), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        no_jack = Notice("no_midi_system", NO_JACK, port='"out"')
        player.replies.append(status((("out", "missing"),), "silent: no audio device", (no_jack,)))
        await pilot.pause(0.1)
        line = second_line(app)
        assert (
            line == "MIDI: no MIDI system (start JACK or load snd-seq) · audio: no device, silent"
        )
        assert len(line) <= 80
        player.replies.append(status((("out", "missing"),), "silent: no audio device"))
        await pilot.pause(0.1)
        assert second_line(app) == line  # the reason stays while the port is still missing


async def test_a_working_player_shows_its_port_and_audio_driver(player: RecordingPlayer) -> None:
    app = make_app(Song.new(), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        player.replies.append(status((("tracker:out", "open"),), "pulseaudio"))
        await pilot.pause(0.1)
        assert second_line(app) == "MIDI: tracker:out · audio: pulseaudio"


def test_a_started_player_reports_where_midi_and_audio_go() -> None:
    class Started(RecordingPlayer):
        ready = Ready(False, (("tracker:out", "open"), ('"nord"', "missing")), "jack")

    transport = Transport(RecordingPlayer(), "Starting the player…")
    transport.connected(Started())
    assert transport.status == 'MIDI: tracker:out, "nord" not found · audio: jack'


def test_a_player_that_cannot_start_is_one_short_line_and_the_log_has_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    transport = Transport(RecordingPlayer())
    transport.unavailable(NO_JACK)
    assert not transport.available
    assert transport.status == (
        "No player: no MIDI system (start JACK or load snd-seq) (editing works)"
    )
    assert NO_JACK in (tmp_path / "tracker" / "player.log").read_text()


def test_news_from_the_player_leads_the_line_for_a_while_then_goes() -> None:
    now = [100.0]
    link = RecordingPlayer()
    transport = Transport(link, clock=lambda: now[0])
    vanished = Notice("port_lost", 'MIDI port "nord" vanished; playing on without it', '"nord"')
    link.replies.append(status((('"nord"', "lost"),), errors=(vanished,)))
    assert transport.poll().status_changed
    assert transport.status == 'MIDI port "nord" unplugged · MIDI: "nord" unplugged'
    now[0] += NOTE_SECONDS - 1
    assert not transport.poll().status_changed
    now[0] += 2
    assert transport.poll().status_changed
    assert transport.status == 'MIDI: "nord" unplugged'


def test_editor_options_choose_the_midi_port_and_the_audio_driver() -> None:
    assert editor_player_config() is None  # the player's defaults: tracker:out and the synth
    to_port = editor_player_config(port="nord")
    assert to_port is not None and to_port.output == PortSpec("nord")
    assert to_port.live_synth is None  # like `tracker play --port`: every track to the port
    jack = editor_player_config(audio_driver="jack")
    assert jack is not None and jack.output == PortSpec("out", virtual=True)
    assert jack.live_synth is not None and jack.live_synth.driver == "jack"
    both = editor_player_config(port="nord", audio_driver="alsa")
    assert both is not None and both.output == PortSpec("nord")
    assert both.live_synth is not None and both.live_synth.driver == "alsa"


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        (Notice("no_midi_system", NO_JACK), "no MIDI system (start JACK or load snd-seq)"),
        (
            Notice(
                "output_missing",
                'no MIDI output matches "nord" (available: Midi Through:Midi Through Port-0 14:0)',
                port='"nord"',
            ),
            'no MIDI output matches "nord"',
        ),
        (
            Notice(
                "no_audio_device",
                "no audio device: soundfont tracks are silent, MIDI ports play on (no audio "
                "device could be opened, the tracker stays silent (pulseaudio: Connection "
                "refused))",
            ),
            "no audio device: soundfont tracks are silent",
        ),
        (
            Notice("port_lost", 'MIDI port "nord" vanished; playing on without it', '"nord"'),
            'MIDI port "nord" unplugged',
        ),
        (
            Notice(
                "stand_in",
                'instrument 02 "Lead": no MIDI port matches "minilogue"; playing its soundfont '
                "stand-in",
                port='"minilogue"',
                instrument='02 "Lead"',
            ),
            'instrument 02 "Lead": no port, soundfont stand-in',
        ),
        (Notice("soundfont", "a font that will not load (bad chunk)"), "a font that will not load"),
        (Notice("port_back", 'MIDI port "nord" is back', '"nord"'), 'MIDI port "nord" is back'),
    ],
)
def test_what_the_player_says_is_cut_to_what_a_musician_needs(said: Notice, shown: str) -> None:
    """By the notice's kind: its sentence (the log's) is not read."""
    assert short_notice(said) == shown


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        (NO_JACK, "no MIDI system (start JACK or load snd-seq)"),
        ("the player process was killed (SIGKILL)", "the player process was killed"),
        ("a song that will not compile; line 3", "a song that will not compile"),
    ],
)
def test_why_the_player_did_not_start_or_stopped_is_cut_to_its_first_clause(
    said: str, shown: str
) -> None:
    assert short_note(said) == shown
