#!/usr/bin/env bash
# The endpoint lane: the harness suites with DYNAMODB_ENDPOINT pointed at the emulator binary
# started with `--delay-transient-statuses 500`, as they would run against DynamoDB: tables that
# are CREATING and DELETING for a while, waiters, a table per suite run emptied between cases by
# Scan and BatchWriteItem (the emulator targets restore a snapshot instead), the real clock.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

cargo build --release -p dynamodb-emulator --quiet
bin="${CARGO_TARGET_DIR:-$root/target}/release/dynamodb-emulator"

out="$(mktemp)"
log="$(mktemp)"
"$bin" --port 0 --delay-transient-statuses 500 >"$out" 2>"$log" &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$out" "$log"
}
trap cleanup EXIT
for _ in $(seq 200); do
  grep -q '^listening on ' "$out" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
url="$(sed -n 's/^listening on //p' "$out")"
if [ -z "$url" ]; then
  echo "endpoint lane: the emulator did not start" >&2
  cat "$log" >&2
  exit 1
fi
echo "endpoint lane: the harness suites against $url"
DYNAMODB_ENDPOINT="$url" cargo test --release -p conformance-tests --test it harness::
