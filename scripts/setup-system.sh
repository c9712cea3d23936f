#!/usr/bin/env bash
# Installs the system packages tracker needs on Debian or Ubuntu, only those missing.
# Non-interactive (CI has no standard input); a second run with everything present
# touches nothing and takes well under a second.
set -euo pipefail

soundfont_package=${TRACKER_SOUNDFONT_PACKAGE:-timgm6mb-soundfont}
packages=(
    libfluidsynth3      # the synth engine behind pyfluidsynth
    fluidsynth          # the command line: our reference renderer in tests and benchmarks
    "$soundfont_package" # a General MIDI soundfont (fluid-soundfont-gm also supported)
    libsndfile1         # soundfile: wav/flac writing
    jackd2              # real MIDI ports without a sound card, for the tests
    tmux                # end-to-end tests drive the real program in a real terminal
    ffmpeg              # outside clients in the tests: ebur128 (loudness) and the live stream's listener
    python3             # the interpreter (3.11 or newer)
    python3-venv        # to bootstrap uv when it is not installed
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: this machine has no apt-get; install them with your package manager." >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo -n"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# jackd2 asks whether to enable realtime scheduling; answer it ahead of time.
echo "jackd2 jackd/tweak_rt_limits boolean false" | $sudo debconf-set-selections 2>/dev/null || true
# An install can fail on stale package lists (fresh machines ship none): update once, retry.
if ! $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
