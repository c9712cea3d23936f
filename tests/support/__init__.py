"""What tests and benchmarks share (bench/ imports only from here, never from a test
module): a JACK server and a receiving port (jack), the tmux driver (tmux), songs in
tracker notation (builders) and as Hypothesis strategies (strategies), sample files
(samples), a band and its groove for audio tests (band), device files of a test's own
(devices), the real command and the refusal shape (command), renders read back
(audio) and the fluidsynth command line as a reference (reference), the fuzzing
(fuzz), real small disks (disks), a Pilot app with a recording player (pilot), a
clock moved by hand (fake_clock), MIDI messages as the bytes a synth receives
(midi_bytes), the player tests' songs and send log (playback), MIDI files written with
mido for the import (midi_writing), exported MIDI files read back with mido
(midi_reading), a hostile string and the song that carries it to the terminal
(hostile_text), and the environment every test runs in (isolation).
"""
