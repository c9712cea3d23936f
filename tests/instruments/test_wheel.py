"""The instrument files ship inside the package: a wheel built from the repository, installed
in a fresh environment, checks the demo song from a folder outside the checkout.

Offline throughout: uv builds the wheel with the hatchling in its cache (`uv sync` put it
there) and installs it without dependencies; the fresh environment borrows the project
environment's libraries (textual, mido, ...) through a .pth line, which adds that folder
to the path but does not read the project's own editable-install .pth inside it, so
`tracker` can only come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.support.command import ROOT
from tests.support.isolation import OUTSIDE_UV_CACHE


def _uv() -> str:
    found = shutil.which("uv") or ROOT / ".tools" / "bin" / "uv"
    if not Path(found).is_file():
        pytest.skip("uv is not installed (make setup puts it in .tools/bin)")
    return str(found)


def _run(
    args: list[str | Path], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_wheel_built_from_the_repository_finds_its_instruments_outside_the_checkout(
    tmp_path: Path,
) -> None:
    uv = _uv()
    # The environment is already the test's own (tests/conftest.py: a temporary home
    # and XDG folders, no TRACKER_*); only uv's real cache crosses in, for --offline.
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    env |= {"UV_CACHE_DIR": OUTSIDE_UV_CACHE, "UV_PYTHON_DOWNLOADS": "never"}

    built = _run(
        [uv, "build", "--offline", "--wheel", "--out-dir", tmp_path / "dist", ROOT], ROOT, env
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("tracker-*.whl")

    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    site = _run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, env
    )
    Path(site.stdout.strip(), "project-libraries.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    installed = _run(
        [uv, "pip", "install", "--offline", "--no-deps", "--python", python, wheel], tmp_path, env
    )
    assert installed.returncode == 0, installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(ROOT / "songs" / "demo.toml", elsewhere / "demo.toml")
    origin = _run([python, "-c", "import tracker; print(tracker.__file__)"], elsewhere, env)
    assert Path(origin.stdout.strip()).is_relative_to(target), origin.stdout + origin.stderr

    checked = _run([target / "bin" / "tracker", "check", "demo.toml"], elsewhere, env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "device generic (General MIDI synth)" in checked.stdout  # devices/generic.toml
    assert "program 33 Electric Bass (finger)" in checked.stdout  # gm.toml
