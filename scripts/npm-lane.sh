#!/usr/bin/env bash
# The npm lane: the real published npm DynamoDB adapters (conformance-tests/npm/package.json, exact
# versions, locked) against the emulator binary. Builds the release emulator, installs the packages
# with `npm ci`, starts the emulator on a free port with the manual clock, runs `node --test`
# (the test files one at a time, each on its own tables) and exits with their status when they fail;
# then runs the Node example (emulator/examples/node/quickstart.mjs), which starts an emulator of
# its own. Needs Rust, Node >= 20 and access to the npm registry.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "npm lane: needs Node 20 or later (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

source scripts/lib.sh
build_emulator

cd conformance-tests/npm
npm ci --no-audit --no-fund --loglevel=error

start_emulator --manual-clock
echo "npm lane: running the npm adapters against $EMULATOR_URL"

export DYNAMODB_EMULATOR_URL="$EMULATOR_URL"
# The pinned SDK warns that its future releases will need Node 22; it does not affect these tests.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
status=0
node --test --test-concurrency=1 --test-reporter=spec || status=$?
if [ "$status" -ne 0 ]; then
  echo "npm lane: FAILED (node --test exited with $status); emulator log:" >&2
  tail -n 50 "$EMULATOR_LOG" >&2
  exit "$status"
fi

echo "npm lane: the Node example (emulator/examples/node), which starts its own emulator"
cd "$root/emulator/examples/node"
npm ci --no-audit --no-fund --loglevel=error
node quickstart.mjs "$EMULATOR_BIN"
