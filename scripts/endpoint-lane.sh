#!/usr/bin/env bash
# The endpoint lane: the harness suites with DYNAMODB_ENDPOINT pointed at the emulator binary
# started with `--delay-transient-statuses 500`, as they would run against DynamoDB: tables that
# are CREATING and DELETING for a while, waiters, a table per suite run emptied between cases by
# Scan and BatchWriteItem (the emulator targets restore a snapshot instead), the real clock.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

source scripts/lib.sh

build_emulator
start_emulator --delay-transient-statuses 500
echo "endpoint lane: the harness suites against $EMULATOR_URL"
DYNAMODB_ENDPOINT="$EMULATOR_URL" cargo test --release -p conformance-tests --test it harness::
