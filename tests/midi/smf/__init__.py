"""Tests of tracker.midi.smf: Standard MIDI Files exported from songs and imported into them."""
