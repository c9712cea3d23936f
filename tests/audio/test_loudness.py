"""Our loudness meter against the facts of ITU-R BS.1770-4 and EBU Tech 3341/3342, and
against a meter we did not write: ffmpeg's ebur128 filter, on generated signals at
both render rates and on a real render.

Agreement measured: integrated loudness within 0.01 LU of ffmpeg, loudness range
within 0.01 LU, true peak within 0.02 dB; the tests hold us to 0.05 LU, 0.1 LU and
0.1 dB, ffmpeg printing three decimals of a linear true peak.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile

from tests.support.builders import build_song
from tests.support.ffmpeg import ebur128
from tracker.audio.loudness import Loudness, Meter, analyse, measure
from tracker.audio.render import render_timeline
from tracker.engine.timeline import compile_song
from tracker.song.model import Instrument

Signal = npt.NDArray[np.float64]


def sine(freq: float, dbfs: float, seconds: float, rate: int, phase: float = 0.0) -> Signal:
    t = np.arange(round(seconds * rate)) / rate
    return 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t + phase)


def stereo(left: Signal, right: Signal | None = None) -> npt.NDArray[np.float32]:
    return np.stack([left, left if right is None else right], axis=1).astype(np.float32)


def both_meters(audio: npt.NDArray[np.float32], rate: int, tmp_path: Path) -> Loudness:
    """Our reading, after checking it against ffmpeg's reading of the same float file."""
    path = tmp_path / "signal.wav"
    soundfile.write(path, audio, rate, subtype="FLOAT")
    ours, theirs = measure(audio, rate), ebur128(path)
    assert ours.lufs == pytest.approx(theirs.lufs, abs=0.05)
    assert ours.lra == pytest.approx(theirs.lra, abs=0.1)
    assert ours.true_peak == pytest.approx(theirs.true_peak, abs=0.1)
    return ours


def test_a_997_hz_sine_at_full_scale_in_one_channel_reads_minus_3_01_lufs() -> None:
    # BS.1770-4: the K-weighting is 0 dB at 997 Hz, and a full-scale sine's mean square is 1/2.
    left = sine(997, 0.0, 10, 48000)
    level = measure(stereo(left, np.zeros_like(left)), 48000)
    assert level.lufs == pytest.approx(-3.01, abs=0.005)
    assert level.true_peak == pytest.approx(0.0, abs=0.01)


@pytest.mark.parametrize("rate", [44100, 48000])
def test_a_1_khz_sine_at_minus_23_dbfs_in_both_channels_reads_minus_23_lufs(
    rate: int, tmp_path: Path
) -> None:
    # EBU Tech 3341, test 1.
    level = both_meters(stereo(sine(1000, -23.0, 20, rate)), rate, tmp_path)
    assert level.lufs == pytest.approx(-23.0, abs=0.1)
    assert level.lra == pytest.approx(0.0, abs=0.1)


@pytest.mark.parametrize("rate", [44100, 48000])
def test_20_s_at_minus_20_then_20_s_at_minus_30_dbfs_span_a_range_of_10_lu(
    rate: int, tmp_path: Path
) -> None:
    # EBU Tech 3342, test 1.
    tone = np.concatenate([sine(1000, -20.0, 20, rate), sine(1000, -30.0, 20, rate)])
    level = both_meters(stereo(tone), rate, tmp_path)
    assert level.lra == pytest.approx(10.0, abs=0.1)


@pytest.mark.parametrize("rate", [44100, 48000])
def test_a_sine_at_a_quarter_of_the_rate_at_45_degrees_peaks_3_db_over_its_samples(
    rate: int, tmp_path: Path
) -> None:
    # Every sample lands at 45 degrees from a crest: -3.01 dB under the true peak.
    tone = sine(rate / 4, -6.0, 4, rate, phase=math.pi / 4)
    t = np.arange(tone.size) / rate
    tone *= np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.5)  # faded: no ringing at the edges
    level = both_meters(stereo(tone), rate, tmp_path)
    assert level.peak_dbfs == pytest.approx(-9.01, abs=0.01)
    assert level.true_peak == pytest.approx(-6.0, abs=0.1)


@pytest.mark.parametrize("rate", [44100, 48000])
def test_pink_noise_that_swells_and_fades_reads_as_in_ffmpeg(rate: int, tmp_path: Path) -> None:
    frames = 40 * rate
    white = np.fft.rfft(np.random.default_rng(7).standard_normal((frames, 2)), axis=0)
    white[1:] /= np.sqrt(np.arange(1, white.shape[0]))[:, None]  # 1/f power
    white[0] = 0
    pink = np.fft.irfft(white, frames, axis=0)
    shape = np.interp(
        np.arange(frames), np.array([0, 10, 15, 25, 40]) * rate, [1, 0.05, 0.5, 0.2, 1]
    )
    audio = (0.25 * pink / np.abs(pink).max() * shape[:, None]).astype(np.float32)
    level = both_meters(audio, rate, tmp_path)
    assert level.lra is not None and level.lra > 5


def test_a_part_that_rests_at_minus_130_dbfs_between_phrases_reads_as_in_ffmpeg(
    tmp_path: Path,
) -> None:
    # The meter skips blocks under -120 dBFS (a stem's rests, a reverb's last whisper).
    rate = 48000
    phrase = sine(440, -12.0, 3, rate)
    rest = sine(440, -130.0, 10, rate)
    level = both_meters(stereo(np.concatenate([phrase, rest, phrase * 0.5, rest])), rate, tmp_path)
    assert level.lufs is not None and level.lra is not None


def test_a_real_render_reads_as_in_ffmpeg(soundfont: Path, tmp_path: Path) -> None:
    band = {
        1: Instrument("Piano"),
        2: Instrument("Bass", program=33),
        3: Instrument("Kit", bank=128),
    }
    song = build_song(
        """
        C-4 01 64 ... | C-2 02 70 ... | C-2 03 7F ...
        E-4 01 50 ... | --- .. .. ... | F#2 03 50 ...
        G-4 01 7F ... | G-1 02 7F ... | D-2 03 7F ...
        OFF .. .. ... | OFF .. .. ... | F#2 03 50 ...
        """,
        instruments=band,
        order=["00"] * 4,
        bpm=60,
    )
    audio = render_timeline(compile_song(song), song, soundfont, 48000)
    level = both_meters(audio, 48000, tmp_path)
    assert level.lufs is not None and -40 < level.lufs < -10
    # The limiter's analyses (every block oversampled, 4 or 8 points) read the same.
    assert analyse(audio, 48000)[0] == level == analyse(audio, 48000, 8)[0]


def test_silence_and_audio_shorter_than_a_block_have_no_loudness() -> None:
    assert measure(np.zeros((48000, 2), np.float32), 48000).lufs is None
    short = measure(stereo(sine(1000, -10.0, 0.3, 48000)), 48000)
    assert short.lufs is None and short.lra is None
    assert short.true_peak == pytest.approx(-10.0, abs=0.3)
    under_3_s = measure(stereo(sine(1000, -10.0, 2.0, 48000)), 48000)
    assert under_3_s.lufs is not None and under_3_s.lra is None


def test_the_meter_imports_and_measures_without_scipy_in_milliseconds() -> None:
    # pyloudnorm, the meter before, imported scipy: 2.4 s of start-up on a cold cache.
    probe = (
        "import sys, time, numpy as np\n"
        "start = time.perf_counter()\n"
        "from tracker.audio.loudness import measure\n"
        "measure(np.full((48000, 2), 0.1, np.float32), 48000)\n"
        "print(time.perf_counter() - start)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'pyloudnorm')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    seconds, imported = done.stdout.splitlines()
    assert imported == "[]"
    assert float(seconds) < 0.25


def test_a_meter_fed_a_render_in_uneven_pieces_reads_exactly_what_the_whole_reads() -> None:
    # A render meters its mix and stems as they play: piece by piece, same figures.
    rate = 44100
    rng = np.random.default_rng(3)
    phrase = sine(220, -14.0, 6, rate) + 0.05 * rng.standard_normal(6 * rate)
    audio = stereo(np.concatenate([phrase, sine(440, -130.0, 4, rate), 0.5 * phrase]))
    meter = Meter(rate)
    start = 0
    for size in [1, 4095, 30000, 123457, 7, 65536] * 20:
        meter.feed(audio[start : start + size])
        start += size
    meter.feed(audio[start:])
    assert meter.reading() == measure(audio, rate)
    loud, envelope = analyse(audio, rate, 8)
    peaks = Meter(rate, 2, 8)
    for piece in np.array_split(audio, 37):
        peaks.feed(piece)
    assert peaks.reading() == loud
    assert peaks.highest_db() == pytest.approx(20 * math.log10(float(envelope.max())), abs=1e-9)


def test_a_whole_meter_hands_out_its_envelope_piece_by_piece_as_the_whole_reads_it() -> None:
    # The master stage spools the limiter's envelope to disk as the mix plays: taken
    # after every piece (none while a block's points are not all known), then the
    # rest after the reading, it joins into the envelope of the whole at once.
    rate = 44100
    rng = np.random.default_rng(5)
    audio = stereo(np.concatenate([sine(330, -6.0, 5, rate), sine(440, -130.0, 3, rate)]))
    audio += (0.01 * rng.standard_normal(audio.shape)).astype(np.float32)
    loud, envelope = analyse(audio, rate, 8)
    meter = Meter(rate, 2, 8, whole=True)
    taken = []
    start = 0
    for size in [1, 4095, 30000, 123457, 7, 65536] * 2:
        meter.feed(audio[start : start + size])
        start += size
        taken.append(meter.envelope())
    meter.feed(audio[start:])
    assert meter.reading() == loud
    taken.append(meter.envelope())
    assert taken[0].size == 0, "the first frame's points wait for its block"
    assert np.array_equal(np.concatenate(taken), envelope)
