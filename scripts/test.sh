#!/usr/bin/env bash
# Every test: the Rust lane (`cargo test --workspace --release`, then clippy with warnings as
# errors, which keeps `[workspace.lints]` clean: about 2.5 minutes on a cold check cache, seconds
# after that), the endpoint lane
# (scripts/endpoint-lane.sh: the harness suites against the emulator binary with transient
# statuses, through DYNAMODB_ENDPOINT as against DynamoDB), the npm lane
# (scripts/npm-lane.sh: the published npm adapters against the emulator binary) and the Python lane
# (scripts/python-lane.sh: boto3 and PynamoDB against the emulator binary).
# Stops at the first lane that fails, with its status.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --release
cargo clippy --workspace --release --all-targets -- -D warnings
./scripts/endpoint-lane.sh
./scripts/npm-lane.sh
./scripts/python-lane.sh
