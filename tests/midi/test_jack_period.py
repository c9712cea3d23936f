"""The JACK period a port's messages are quantised to, and the lead it asks for."""

from __future__ import annotations

import pytest

from tracker.midi.jack_period import jack_period_ms
from tracker.midi.ports import API_ENV, queue_lead_ms

pytestmark = pytest.mark.jack


def test_the_session_servers_period_is_64_frames_at_48_khz(jack_server: str) -> None:
    assert jack_period_ms() == pytest.approx(64 / 48)


def test_a_jack_port_leads_by_half_a_period(jack_server: str) -> None:
    assert queue_lead_ms() == pytest.approx(32 / 48)


def test_without_a_server_there_is_no_period_and_no_server_is_started(
    jack_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JACK_DEFAULT_SERVER", "tracker-test-no-such-server")
    assert jack_period_ms() is None
    assert queue_lead_ms() == 0.0


def test_alsa_asks_for_no_lead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(API_ENV, "alsa")
    assert queue_lead_ms() == 0.0
