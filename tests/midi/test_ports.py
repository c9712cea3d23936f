"""MIDI ports on a real JACK server: listing, opening by pattern, our own ports,
losing a port and finding it again, panic."""

from __future__ import annotations

import subprocess

import pytest

from tests.support.jack import Receiver
from tracker.cli.ports import panic_command, ports_command
from tracker.errors import MidiPortError
from tracker.instruments import Device
from tracker.midi.notes import panic
from tracker.midi.ports import (
    ManagedOutput,
    list_inputs,
    list_outputs,
    open_output,
    open_virtual_input,
    open_virtual_output,
)

pytestmark = pytest.mark.jack

NOTE = bytes((0x90, 60, 100))


def test_a_synth_port_is_listed_and_reached_by_part_of_its_name(receiver: Receiver) -> None:
    assert receiver.name in list_outputs()
    with open_output(receiver.client[2:]) as port:  # a substring is enough
        port.send(NOTE)
        assert receiver.wait_for(lambda got: NOTE in got) == [NOTE]
    assert port.name == receiver.name


def test_a_glob_pattern_and_a_device_predicate_both_find_the_port(receiver: Receiver) -> None:
    with open_output("RX*:IN") as port:  # globs, case ignored, as in devices/*.toml
        assert port.name == receiver.name
    device = Device(key="test", name="Test synth", ports=(receiver.client,))
    with open_output(device.matches) as port:
        assert port.name == receiver.name


def test_an_unknown_port_is_a_clear_error_naming_what_exists(receiver: Receiver) -> None:
    with pytest.raises(
        MidiPortError, match=r'no MIDI output matches "minilogue".*' + receiver.name
    ):
        open_output("minilogue")


def test_our_own_port_can_be_connected_by_outside_tools(receiver: Receiver) -> None:
    with open_virtual_output("test-out", client="trk-own") as port:
        assert port.name == "trk-own:test-out"
        listing = subprocess.run(["jack_lsp"], capture_output=True, text=True).stdout
        assert "trk-own:test-out" in listing.splitlines()
        subprocess.run(["jack_connect", port.name, receiver.name], check=True)
        port.send(NOTE)
        assert receiver.wait_for(lambda got: NOTE in got) == [NOTE]


def test_our_own_ports_are_listed_the_other_way_round(jack_server: str) -> None:
    """Our input is somewhere others (and we) can send to; our output, somewhere to receive from."""
    with open_virtual_input("keys", client="trk-in"), open_virtual_output("seq", client="trk-out"):
        assert "trk-in:keys" in list_outputs()
        assert "trk-out:seq" in list_inputs()


def test_a_port_that_vanishes_is_reported_and_reopened_when_it_returns(receiver: Receiver) -> None:
    managed = ManagedOutput(receiver.name)
    assert managed.try_open()
    receiver.close_port()
    assert managed.refresh(list_outputs()) == "lost"
    assert managed.status == "lost"
    assert not managed.send(NOTE)  # dropped, no exception
    assert managed.dropped == 1
    receiver.open()
    assert managed.refresh(list_outputs()) == "back"
    assert managed.send(NOTE)
    assert receiver.wait_for(lambda got: NOTE in got) == [NOTE]
    managed.close()


def test_a_port_missing_at_start_is_opened_when_it_appears(jack_server: str) -> None:
    managed = ManagedOutput("rxlate")
    assert not managed.try_open()
    assert managed.status == "missing"
    late = Receiver("rxlate")
    try:
        assert managed.refresh(list_outputs()) == "open"
        assert managed.send(NOTE)
        assert late.wait_for(lambda got: NOTE in got) == [NOTE]
    finally:
        managed.close()
        late.close()


def test_panic_silences_all_sixteen_channels(receiver: Receiver) -> None:
    with open_output(receiver.name) as port:
        panic([port])
    got = receiver.wait_for(lambda got: len(got) >= 32)
    assert sorted((m[0] & 0x0F, m[1]) for m in got) == sorted(
        (ch, cc) for ch in range(16) for cc in (123, 120)
    )


def test_the_panic_command_reaches_only_the_matching_port(
    receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    other = Receiver("rxother")
    try:
        assert panic_command(receiver.client) == 0
        assert len(receiver.wait_for(lambda got: len(got) >= 32)) == 32
        assert other.data() == []
        assert f"silenced {receiver.name}" in capsys.readouterr().out
    finally:
        other.close()
    with pytest.raises(MidiPortError, match="no MIDI output matches"):
        panic_command("no-such-synth")


def test_the_ports_command_lists_both_directions(
    receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ports_command() == 0
    out = capsys.readouterr().out
    assert "MIDI outputs (send to):" in out
    assert receiver.name in out
