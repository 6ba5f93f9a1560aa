#!/usr/bin/env bash
# The whole-process benchmark of issue 9, in one command: `benches/run.sh`.
# Builds mdbook-vision (release) and the harness (generator + floors), generates
# the synthetic books once (target/bench-data), then measures. 2 to 7 minutes
# on 2 cores. BENCH_QUICK=1 for a quick look; BENCH_SIZES=200,2000 for fewer sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    echo "benches: GNU time is needed for peak memory: apt-get install -y time" >&2
    exit 1
fi
cargo build --release --bin mdbook-vision
cargo build --release --manifest-path benches/harness/Cargo.toml --target-dir target/bench-harness
exec python3 benches/run.py "$@"
