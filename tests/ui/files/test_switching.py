"""While a save is written on a worker, Python switches threads often and collects no
garbage, so keys are not kept waiting; both come back after the last writer, even one
that failed."""

from __future__ import annotations

import gc
import sys

import pytest

from tracker.ui.files.switching import KEYS_SWITCH_INTERVAL, keys_first


def test_writers_switch_threads_often_until_the_last_one_ends() -> None:
    usual = sys.getswitchinterval()
    assert gc.isenabled()
    with keys_first():
        assert sys.getswitchinterval() == pytest.approx(KEYS_SWITCH_INTERVAL)
        assert not gc.isenabled()
        with keys_first():  # a save while an autosave is written
            assert sys.getswitchinterval() == pytest.approx(KEYS_SWITCH_INTERVAL)
        assert sys.getswitchinterval() == pytest.approx(KEYS_SWITCH_INTERVAL)
    assert sys.getswitchinterval() == usual
    assert gc.isenabled()


def test_a_writer_that_fails_still_gives_the_usual_interval_back() -> None:
    usual = sys.getswitchinterval()
    with pytest.raises(OSError), keys_first():
        raise OSError("disk full")
    assert sys.getswitchinterval() == usual and gc.isenabled()
