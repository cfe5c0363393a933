#!/usr/bin/env bash
# Builds the release emulator, starts it on a free port, runs the outside conformance suite
# (../shared/parity-suite, expectations verified against real DynamoDB) against it, stops it, and
# prints the score. PARITY_MIN_PASSED makes it fail when fewer tests pass (CI's ratchet).
# Without the suite folder (a user's clone) it says so and exits 0 without claiming a score.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
suite="${PARITY_SUITE:-$root/../shared/parity-suite}"
if [ ! -x "$suite/run.sh" ]; then
  echo "conformance suite not found at $suite: skipping the fidelity score (no score claimed)"
  exit 0
fi
cd "$root"
cargo build --release -p dynamodb-emulator --quiet
target="${CARGO_TARGET_DIR:-$root/target}"
out="$(mktemp)"
"$target/release/dynamodb-emulator" --port 0 >"$out" 2>/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on ' "$out" && break
  sleep 0.05
done
url="$(sed -n 's/^listening on //p' "$out")"
[ -n "$url" ] || { echo "the emulator did not start" >&2; exit 1; }
echo "running the conformance suite against $url"
"$suite/run.sh" "$url" "${PARITY_OUT:-$root/target/parity}"
