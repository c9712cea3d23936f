"""While a save is written on a worker, Python switches threads often, so keys are not
kept waiting; the usual interval comes back after the last writer, even one that failed.
The garbage collector is not this module's (tests/ui/test_collector.py)."""

from __future__ import annotations

import sys

import pytest

from tracker.ui.files.switching import KEYS_SWITCH_INTERVAL, keys_first


def test_writers_switch_threads_often_until_the_last_one_ends() -> None:
    usual = sys.getswitchinterval()
    with keys_first():
        assert sys.getswitchinterval() == pytest.approx(KEYS_SWITCH_INTERVAL)
        with keys_first():  # a save while an autosave is written
            assert sys.getswitchinterval() == pytest.approx(KEYS_SWITCH_INTERVAL)
        assert sys.getswitchinterval() == pytest.approx(KEYS_SWITCH_INTERVAL)
    assert sys.getswitchinterval() == usual


def test_a_writer_that_fails_still_gives_the_usual_interval_back() -> None:
    usual = sys.getswitchinterval()
    with pytest.raises(OSError), keys_first():
        raise OSError("disk full")
    assert sys.getswitchinterval() == usual
