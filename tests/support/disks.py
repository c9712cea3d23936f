"""Real small disks for tests of failing saves: a tmpfs of our own, mounted for a
block and unmounted afterwards (the tests run as root, so chmod would not stop a
write; a read-only or a full file system does)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def mounted_tmpfs(mount_point: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted at `mount_point` (made here) with mount `options`, such as
    "ro,size=1m" or "size=64k,mode=0755", until the block ends."""
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    assert mounted.returncode == 0, f"cannot mount a tmpfs (are we root?): {mounted.stderr}"
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)
