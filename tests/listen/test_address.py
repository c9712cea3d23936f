"""`--listen [HOST:]PORT`."""

from __future__ import annotations

import pytest

from tracker.listen.address import ListenAddress, parse_listen


@pytest.mark.parametrize(
    ("text", "host", "port", "loopback"),
    [
        ("8765", "127.0.0.1", 8765, True),
        ("127.0.0.1:9000", "127.0.0.1", 9000, True),
        ("localhost:9000", "localhost", 9000, True),
        ("0.0.0.0:8765", "0.0.0.0", 8765, False),
        ("[::1]:8765", "::1", 8765, True),
        ("192.168.1.20:80", "192.168.1.20", 80, False),
    ],
)
def test_where_the_stream_is_served(text: str, host: str, port: int, loopback: bool) -> None:
    address = parse_listen(text)
    assert address == ListenAddress(host, port)
    assert address.is_loopback is loopback


@pytest.mark.parametrize(
    ("text", "words"),
    [(":8765", "[HOST:]PORT"), ("host:http", "port number"), ("70000", "1 to 65535")],
)
def test_a_bad_address_says_what_was_expected(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words.replace("[", r"\[")):
        parse_listen(text)


def test_the_ssh_line_forwards_the_same_port() -> None:
    assert parse_listen("8765").ssh_forward().startswith("ssh -L 8765:127.0.0.1:8765 ")
