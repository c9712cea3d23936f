"""Argument types for the command line: each turns text into a value or says, as a
usage error, what was expected (argparse prints it with the usage)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from tracker.errors import UsageError

if TYPE_CHECKING:
    from tracker.listen.address import ListenAddress


def positive_int(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def listen_address(text: str) -> ListenAddress:
    from tracker.listen.address import parse_listen

    try:
        return parse_listen(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argument type for a whole number from `low` to `high`: bad values are usage errors."""

    def parse(text: str) -> int:
        value = positive_int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low} to {high}, got {value}")
        return value

    return parse


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 0 <= value <= 600:
        raise argparse.ArgumentTypeError(f"expected 0 to 600 seconds, got {text}")
    return value


def decibels(what: str, low: int, high: int) -> Callable[[str], float]:
    """An argument type for a level in `what` (LUFS, dBTP) from `low` to `high`."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low} to {high} {what}, got {text}")
        return value

    return parse


def session_formats(text: str) -> tuple[str, ...]:
    from tracker.handover.session import parse_formats

    try:
        return parse_formats(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(error.message) from None
