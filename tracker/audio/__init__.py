"""Sound from FluidSynth: soundfonts, the synth, live playback (live) and the offline
bounce to files (bounce, planned in passes, played by render, written through writing
and staging). It sits beside tracker.midi, below the player, and never prints: the
CLI shows its reports.
"""
