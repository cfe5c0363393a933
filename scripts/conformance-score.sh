#!/usr/bin/env bash
# Builds the release emulator and runs the two outside suites, each against a fresh emulator on a
# free port, with CI's ratchets:
#  - the parity suite (../shared/parity-suite: vitest, expectations verified against DynamoDB in
#    May 2026): every test must pass except those on scripts/parity-stale.txt, whose expectations
#    predate DynamoDB's current behaviour (checked by scripts/parity-check.mjs);
#  - moto's AWS-verified DynamoDB tests (../shared/moto-verified, re-checked against AWS in
#    August 2026): at least MOTO_MIN_PASSED (default 0) must pass.
# A suite whose folder is absent (a user's clone) is skipped with a note, claiming no score.
# Results: target/parity (PARITY_OUT) and target/moto-verified (MOTO_OUT).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
parity="${PARITY_SUITE:-$root/../shared/parity-suite}"
moto="${MOTO_SUITE:-$root/../shared/moto-verified}"
target="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"
source scripts/lib.sh
build_emulator

status=0
if [ -x "$parity/run.sh" ]; then
  start_emulator
  echo "running the parity suite against $EMULATOR_URL"
  parity_out="${PARITY_OUT:-$target/parity}"
  "$parity/run.sh" "$EMULATOR_URL" "$parity_out" || true
  stop_emulator
  node scripts/parity-check.mjs "$parity_out/results.json" scripts/parity-stale.txt || status=1
else
  echo "parity suite not found at $parity: skipping it (no score claimed)"
fi

if [ -x "$moto/run.sh" ]; then
  start_emulator
  echo "running moto's AWS-verified tests against $EMULATOR_URL"
  moto_out="${MOTO_OUT:-$target/moto-verified}"
  moto_log="$(mktemp)"
  "$moto/run.sh" "$EMULATOR_URL" "$moto_out" >"$moto_log" || true
  stop_emulator
  cat "$moto_log"
  passed="$(sed -nE 's/^MOTO-VERIFIED: ([0-9]+) passed.*/\1/p' "$moto_log")"
  rm -f "$moto_log"
  if [ -z "$passed" ] || [ "$passed" -lt "${MOTO_MIN_PASSED:-0}" ]; then
    echo "MOTO RATCHET: ${passed:-no} tests passed, at least ${MOTO_MIN_PASSED:-0} required"
    status=1
  else
    echo "MOTO RATCHET: $passed passed, at least ${MOTO_MIN_PASSED:-0} required"
  fi
else
  echo "moto-verified suite not found at $moto: skipping it (no score claimed)"
fi
exit "$status"
