"""Tests of tracker/player/: the protocol, the process and its transport, over JACK ports
where they play, and with a fake clock where they need none."""
