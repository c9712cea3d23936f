"""The README tells the truth: its two commands, every CLI command and every key."""

from __future__ import annotations

from pathlib import Path

from tracker.cli.parser import build_parser
from tracker.song.effects import EFFECTS
from tracker.ui.keymap import DIALOG_KEYS, KEYMAP

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    assert "make demo" in first_block
    assert "make test" in first_block


def test_every_cli_command_is_in_the_readme() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name in subparsers.choices:  # type: ignore[union-attr]
        assert f"`tracker {name}" in README, name


def test_every_key_binding_is_in_the_readme() -> None:
    for key in KEYMAP:
        assert f"`{key.id}`" in README, key.id


def test_every_dialog_key_is_in_the_readme() -> None:
    for keys, what in DIALOG_KEYS:
        assert f"| `{keys}` | {what} |" in README, keys


def test_every_effect_is_in_the_readme() -> None:
    for letter in EFFECTS:
        assert f"`{letter}xx`" in README or f"`{letter}xy`" in README, letter
