#!/usr/bin/env bash
# Every test: the Rust lane (`cargo test --workspace --release`, then the library alone without
# default features, which the workspace never builds, then clippy with warnings as errors, which
# keeps `[workspace.lints]` clean: about 2.5 minutes on a cold check cache, seconds after that),
# the endpoint lane
# (scripts/endpoint-lane.sh: the harness suites against the emulator binary with transient
# statuses, through DYNAMODB_ENDPOINT as against DynamoDB), the npm lane
# (scripts/npm-lane.sh: the published npm adapters against the emulator binary) and the Python lane
# (scripts/python-lane.sh: boto3 and PynamoDB against the emulator binary).
# Stops at the first lane that fails, with its status.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --release
# The workspace builds the emulator with all its features (the CLI's `cli` by default, `faults`
# from the harness's tests); a library user's `default-features = false` build is checked here.
cargo check -p dynamodb-emulator --lib --no-default-features --release
# clippy ships with rustup's default profile; a toolchain installed without it skips this step
# loudly rather than failing every other lane.
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --workspace --release --all-targets -- -D warnings
else
  echo "test.sh: cargo clippy is not installed; the lint step is SKIPPED" >&2
fi
./scripts/endpoint-lane.sh
./scripts/npm-lane.sh
./scripts/python-lane.sh
