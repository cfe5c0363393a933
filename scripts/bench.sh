#!/usr/bin/env bash
# Benchmarks side by side in one run: the engine, SDK latency in-process and over our socket, the
# same SDK calls against dynalite (installed from npm into target/bench-node), and process
# start-to-ready time of both servers. Figures go to BENCHMARKS.md by hand, with the machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
node_dir="$root/target/bench-node"
if [ ! -x "$node_dir/node_modules/.bin/dynalite" ]; then
  mkdir -p "$node_dir"
  (cd "$node_dir" && npm install --no-audit --no-fund --silent dynalite@3 >/dev/null)
fi
cargo build --release -p dynamodb-emulator --quiet
target="${CARGO_TARGET_DIR:-$root/target}"

# Milliseconds from spawning a server until it answers ListTables.
ready_ms() {
  local port=$1; shift
  local start; start=$(date +%s%N)
  "$@" >/dev/null 2>&1 &
  local pid=$!
  until curl -s -o /dev/null -X POST "http://127.0.0.1:$port/" \
      -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
      -H 'Authorization: AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
      -H 'X-Amz-Date: 20260101T000000Z' -d '{}'; do sleep 0.005; done
  echo "$(( ($(date +%s%N) - start) / 1000000 ))"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
echo "start-to-ready (ms, 5 runs each)"
echo "  dynamodb-emulator: $(for _ in 1 2 3 4 5; do ready_ms 18231 "$target/release/dynamodb-emulator" --port 18231; done | tr '\n' ' ')"
echo "  dynalite:          $(for _ in 1 2 3 4 5; do ready_ms 18232 node "$node_dir/node_modules/.bin/dynalite" --port 18232; done | tr '\n' ' ')"

node "$node_dir/node_modules/.bin/dynalite" --port 18233 >/dev/null 2>&1 &
dl=$!
trap 'kill $dl 2>/dev/null || true' EXIT
sleep 1
COMPARE_ENDPOINT=http://127.0.0.1:18233 cargo bench -p dynamodb-emulator --bench ops -- --warm-up-time 1 --measurement-time 5 "$@"
