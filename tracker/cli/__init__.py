"""The `tracker` command: opens the editor, or runs one of the subcommands. It is the
only part of the package that prints: `main` (tracker.cli.main) is the edge with the
shell, `parser` the command line, and one module per command family (song, render,
midi, play, ports) does the work and prints what it did, through `tracker.text.visible`.
`main` is exported here for the `tracker` console script and `python -m tracker`.
"""

from tracker.cli.main import main

__all__ = ["main"]
