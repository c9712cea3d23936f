"""Tests of tracker.instruments: the shipped files, the search path, device CC maps in every path."""
