"""Each command imports only what its work needs (#16 item 1): the real command, run
with `python -X importtime`, whose report names every module it loaded. What is
kept out costs start-up on every run: numpy and FluidSynth for `check`, the MIDI
file reader (and mido) for `render`, the whole audio stack for the editor's paint
(its player, a process of its own, has it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.command import ROOT
from tests.support.command import tracker as run_tracker

DEMO = ROOT / "songs" / "demo.toml"


def modules_loaded(*args: str | Path) -> set[str]:
    """The modules the command loaded, from its import-time report on stderr."""
    done = run_tracker(*args, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


def tops(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_check_loads_no_audio_stack_and_no_midi_file_code() -> None:
    loaded = modules_loaded("check", DEMO)
    assert "tracker.cli.main" in loaded
    assert tops(loaded).isdisjoint({"numpy", "fluidsynth", "soundfile", "mido", "textual"})
    audio = {name for name in loaded if name.startswith("tracker.audio.")}
    assert audio <= {"tracker.audio.soundfonts"}  # which font a song names, checked


def test_render_loads_the_synth_but_not_the_midi_file_reader(tmp_path: Path) -> None:
    loaded = modules_loaded("render", DEMO, "-o", tmp_path / "out", "--stems")
    assert {"tracker.audio.synth", "tracker.midi.smf.write"} <= loaded
    assert "mido" not in tops(loaded)
    assert not any(name.startswith("tracker.midi.smf.import") for name in loaded)
    assert "textual" not in tops(loaded)


EDITOR_PAINTS = """
import asyncio, json, sys
from pathlib import Path
from tests.support.pilot import make_app
from tracker.song.storage import load_song

async def paint() -> None:
    app = make_app(load_song(Path(sys.argv[1])), Path(sys.argv[1]))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.editor.size.height > 0
    print(json.dumps(sorted(sys.modules)))

asyncio.run(paint())
"""


def test_the_editor_paints_the_demo_without_the_audio_stack() -> None:
    done = subprocess.run(
        [sys.executable, "-c", EDITOR_PAINTS, str(DEMO)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "tracker.ui.app" in loaded
    assert tops(loaded).isdisjoint({"numpy", "scipy", "fluidsynth", "soundfile"})
