"""The running JACK server's period, which a JACK MIDI output through python-rtmidi
quantises every message to.

rtmidi's JACK client writes each message at the first frame of the next cycle, so a
message sent at t reaches the port somewhere in [t, t + period): on average half a
period late, at worst a whole one. Sent half a period early instead, it lands within
half a period either side of its time, the same spread a sender that knew the cycle's
phase could reach (ports.py: `ManagedOutput.lead_ms`). libjack is asked through ctypes:
rtmidi does not say the period, and this is one call at a port's opening.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

_NO_START_SERVER = 0x01
"""JackNoStartServer: asking must never start a server."""


def jack_period_ms() -> float | None:
    """The server's period in milliseconds (frames / rate), or None without a server
    or libjack."""
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("jack") or "libjack.so.0")
    except OSError:
        return None
    ptr = ctypes.c_void_p
    lib.jack_client_open.restype = ptr
    lib.jack_client_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    lib.jack_get_buffer_size.restype = ctypes.c_uint32
    lib.jack_get_buffer_size.argtypes = [ptr]
    lib.jack_get_sample_rate.restype = ctypes.c_uint32
    lib.jack_get_sample_rate.argtypes = [ptr]
    lib.jack_client_close.argtypes = [ptr]
    status = ctypes.c_int()
    name = f"tracker-period-{os.getpid()}".encode()
    client = lib.jack_client_open(name, _NO_START_SERVER, ctypes.byref(status))
    if not client:
        return None
    try:
        frames, rate = lib.jack_get_buffer_size(client), lib.jack_get_sample_rate(client)
    finally:
        lib.jack_client_close(client)
    return frames * 1000 / rate if rate else None
