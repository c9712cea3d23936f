"""Checks that reach past the song file: what a song points at (CC lanes in device maps,
soundfonts on this machine), resolved the way the player and the renderer will.

Its own package in the layer beside the player, above midi and audio: it asks
`audio.soundfonts` and `instruments` both, and the CLI and the UI's dialogs ask it.
"""
