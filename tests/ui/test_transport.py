"""Transport keys send the player's commands; the playhead it reports moves on the grid.

The player here is the RecordingPlayer seam (see conftest): the real one needs
MIDI ports in its own process. The commands are the real tracker.player ones.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.support.builders import build_song
from tests.support.pilot import RecordingPlayer, make_app
from tracker.listen.address import ListenAddress
from tracker.midi.names import PortState
from tracker.player.audio_out import AudioOut
from tracker.player.protocol import (
    CaptureAudio,
    Levels,
    Notice,
    Panic,
    Play,
    PlayerConfig,
    Playhead,
    PortSpec,
    Preview,
    Ready,
    Recorded,
    SetMute,
    SongChanges,
    Status,
    Stop,
    Stopped,
    UpdateSong,
)
from tracker.song.model import Instrument, Song
from tracker.ui import editor_player_config
from tracker.ui.app import TrackerApp
from tracker.ui.player_link import Transport
from tracker.ui.player_news import NOTE_SECONDS
from tracker.ui.player_status import short_note, short_notice

TWO_PATTERNS = ("C-4 01 .. ...\n--- .. .. ...", "E-4 01 .. ...\n--- .. .. ...")


async def test_space_plays_the_song_and_stops_it(player: RecordingPlayer) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        (play,) = player.sent_of(Play)
        assert isinstance(play, Play)
        assert (play.start_order, play.start_line, play.loop) == (0, 0, False)
        assert play.song is app.session.song
        await pilot.press("space")
        assert isinstance(player.sent[-1], Stop)


async def test_enter_loops_the_pattern_being_edited(player: RecordingPlayer) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+n", "enter")  # the second order entry, then play its pattern
        (play,) = player.sent_of(Play)
        assert isinstance(play, Play)
        assert (play.start_order, play.end_order, play.loop) == (1, 2, True)


async def test_f7_plays_from_the_cursor_line_and_loop_mode_carries_over(
    player: RecordingPlayer,
) -> None:
    app = make_app(Song.new(lines=16), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "down", "f9", "f7")
        (play,) = player.sent_of(Play)
        assert isinstance(play, Play)
        assert (play.start_order, play.start_line, play.loop) == (0, 3, True)


async def test_the_playhead_from_the_player_is_drawn_and_followed(player: RecordingPlayer) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        player.replies.append(Playhead(order=1, line=1, pattern="01", bpm=120.0))
        await pilot.pause(0.1)
        assert app.editor.pattern_name == "01"  # follow is on: the grid shows the playing pattern
        assert app.editor.playhead == 1
        assert app.orders.playing == 1
        assert "Pos 01/01" in app.bar.render().plain
        player.replies.append(Stopped("end"))
        await pilot.pause(0.1)
        assert not app.transport.playing
        assert app.editor.playhead is None


async def test_edits_while_playing_reach_the_player_once_per_change(
    player: RecordingPlayer,
) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await pilot.pause(0.1)
        assert player.sent_of(UpdateSong) == []  # the Play carried the song
        await pilot.press("down", "x")
        await pilot.pause(0.1)
        await pilot.pause(0.1)
        handed = player.sent_of(SongChanges)
        assert len(handed) == 1  # once per change, as the pattern it touched
        [changes] = handed
        assert isinstance(changes, SongChanges)
        assert list(changes.changed) == [app.editor.pattern_name]
        [play] = player.sent_of(Play)
        assert isinstance(play, Play)
        assert changes.applied_to(play.song) == app.session.song


async def test_mute_and_solo_reach_the_player_and_the_song(player: RecordingPlayer) -> None:
    app = make_app(build_song("--- .. .. ... | --- .. .. ... | --- .. .. ..."), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+m")
        assert app.session.song.tracks[0].mute
        assert SetMute(0, True) in player.sent
        await pilot.press("tab", "alt+o")  # solo track 2: track 3 falls silent too
        assert app.session.song.tracks[1].solo
        assert SetMute(2, True) in player.sent
        assert "S" in app.editor.render_line(0).text


NO_JACK = (
    "cannot reach the MIDI system: MidiOutJack::initialize: JACK server not running? "
    "(is the JACK server running? start it with `jackd -d dummy` or your audio setup)"
)


def status(
    ports: tuple[tuple[str, PortState], ...], audio: str = "", errors: tuple[Notice, ...] = ()
) -> Status:
    return Status(False, False, ports, 0, 0, 0.0, 0, errors, audio)


def second_line(app: TrackerApp) -> str:
    return app.bar.render().plain.split("\n")[1]


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


async def test_a_typed_note_is_previewed_on_its_instrument(player: RecordingPlayer) -> None:
    song = build_song(
        "--- .. 40 ...\n--- .. .. ...\n--- .. .. ...",
        instruments={1: Instrument("Piano"), 2: Instrument("Bass", program=33)},
    )
    app = make_app(song, player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z", "greater_than_sign", "x", "grave_accent")
        await pilot.pause()
    # the player learns the instruments once, then hears each note (the OFF is not previewed)
    assert [type(c) for c in player.sent] == [UpdateSong, Preview, Preview]
    assert player.sent[1:] == [
        Preview(track=0, instrument=1, note=60, velocity=0x40),  # the cell's volume
        Preview(track=0, instrument=2, note=62, velocity=None),  # the instrument's own
    ]


async def test_auditioning_an_instrument_previews_middle_c_on_it(player: RecordingPlayer) -> None:
    song = build_song("--- .. .. ...", instruments={1: Instrument("Piano"), 2: Instrument("Bass")})
    app = make_app(song, player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "f4", "f4", "down", "a")  # the instruments panel, the Bass
        await pilot.pause()
    assert player.sent_of(Preview) == [Preview(track=0, instrument=2, note=60)]


async def test_the_panic_key_stops_and_silences_everything(player: RecordingPlayer) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "f12")
        assert player.sent[-2:] == [Stop(), Panic()]
        assert not app.transport.playing
        assert "Panic" in second_line(app)
        await pilot.press("ctrl+backslash")  # the same over a terminal without F keys
        assert player.sent[-2:] == [Stop(), Panic()]
        assert len(player.sent_of(Panic)) == 2


async def test_record_mode_writes_midi_notes_at_the_cursor_when_stopped(
    player: RecordingPlayer,
) -> None:
    app = make_app(Song.new(tracks=1, lines=8), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        player.replies.append(Recorded(note=64, velocity=100, channel=0, order=None, line=None))
        await pilot.pause(0.1)
        assert app.session.song.cell("00", 0, 0, 0).note is None  # record is off
        await pilot.press("ctrl+r")
        player.replies.append(Recorded(note=64, velocity=100, channel=0, order=None, line=None))
        player.replies.append(Recorded(note=64, velocity=0, channel=0, order=None, line=None))
        await pilot.pause(0.1)
        assert app.session.song.cell("00", 0, 0, 0).note == 64  # E-4, step record
        assert app.editor.cursor.line == 1  # the note-off wrote nothing
        assert player.sent_of(Preview) == []  # the player echoes MIDI input itself (thru)


async def test_record_mode_places_notes_on_the_playing_line(player: RecordingPlayer) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r", "space")
        player.replies.append(Recorded(note=67, velocity=90, channel=0, order=1, line=1))
        await pilot.pause(0.1)
        assert app.session.song.cell("01", 0, 0, 1).note == 67


async def test_without_a_player_play_says_why_and_the_editor_keeps_working() -> None:
    app = TrackerApp(Song.new(tracks=1, lines=4), None)  # no player at all
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        assert not app.transport.playing
        assert "No player" in app.bar.render().plain
        await pilot.press("z")
        assert app.session.song.cell("00", 0, 0, 0).note == 60


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


async def test_space_pressed_while_the_player_starts_plays_once_it_is_up() -> None:
    started = threading.Event()
    player = RecordingPlayer()

    def start_player() -> RecordingPlayer:
        started.wait(timeout=10)  # the player process takes its time to come up
        return player

    app = TrackerApp(build_song("C-4 01 64 ...\nOFF .. .. ..."), None, start_player=start_player)
    async with app.run_test() as pilot:
        await pilot.press("space")  # while the player is still starting
        assert "as soon as it is ready" in app.session.message
        assert player.sent_of(Play) == []
        started.set()
        for _ in range(50):
            await pilot.pause(0.05)
            if player.sent_of(Play):
                break
        assert len(player.sent_of(Play)) == 1
        assert app.transport.playing
        assert app.session.message == ""  # the "starting" note does not stay on screen


async def test_play_tells_the_player_the_songs_folder_for_its_soundfont_paths(
    player: RecordingPlayer, tmp_path: Path
) -> None:
    app = make_app(build_song("C-4 01 64 ..."), path=tmp_path / "song.toml", player=player)
    async with app.run_test() as pilot:
        await pilot.press("space")
        (play,) = player.sent_of(Play)
        assert isinstance(play, Play)
        assert play.song_dir == tmp_path


class ListeningPlayer(RecordingPlayer):
    """A player serving the stream with `--listen-delay 150`."""

    config = PlayerConfig(audio_out=AudioOut(listen=ListenAddress("127.0.0.1", 8765), delay_ms=150))


def listening_150_ms_behind(now: list[float]) -> tuple[ListeningPlayer, Transport]:
    """A transport on that player, its clock reading `now[0]`."""
    link = ListeningPlayer()
    transport = Transport(link, clock=lambda: now[0])
    transport.connected(link)
    return link, transport


def test_with_a_listen_delay_the_playhead_moves_with_what_the_listener_hears() -> None:
    """`tracker SONG --listen 8765 --listen-delay 150`: each playhead shows 150 ms later."""

    now = [100.0]
    link, transport = listening_150_ms_behind(now)
    link.replies.append(Playhead(order=0, line=4, pattern="00", bpm=120.0))
    assert transport.poll().playhead is None  # heard 150 ms from now
    now[0] += 0.1
    assert transport.poll().playhead is None
    now[0] += 0.06
    shown = transport.poll().playhead
    assert shown is not None and shown.line == 4
    assert transport.poll().playhead is None  # shown once


def test_without_a_listen_delay_the_playhead_shows_at_once() -> None:
    link = RecordingPlayer()
    transport = Transport(link, clock=lambda: 100.0)
    link.replies.append(Playhead(order=0, line=4, pattern="00", bpm=120.0))
    shown = transport.poll().playhead
    assert shown is not None and shown.line == 4


async def test_the_capture_key_starts_a_take_beside_the_song_and_ends_it(
    player: RecordingPlayer, tmp_path: Path
) -> None:
    app = make_app(Song.new(), tmp_path / "groove.toml", player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+shift+r")  # capture on
        await pilot.press("alt+shift+r")  # and off
    first, second = player.sent_of(CaptureAudio)
    assert isinstance(first, CaptureAudio) and first.path is not None
    assert first.path.parent == tmp_path and first.path.name.startswith("groove-")
    assert first.path.suffix == ".wav"
    assert second == CaptureAudio(None)


def test_with_a_listen_delay_the_meters_move_with_what_the_listener_hears() -> None:
    now = [100.0]
    link, transport = listening_150_ms_behind(now)
    link.replies.append(Levels(bytes([200, 10]), master=200))
    assert transport.poll().levels is None  # heard 150 ms from now
    now[0] += 0.16
    shown = transport.poll().levels
    assert shown is not None and shown.tracks == bytes([200, 10])
    assert transport.poll().levels is None  # shown once
