# Sourced by the lane scripts (endpoint-lane.sh, npm-lane.sh, conformance-score.sh): builds the
# release emulator and starts it on a free port, so each lane waits for it the same way.

# Builds the release emulator; sets EMULATOR_BIN to it.
build_emulator() {
  cargo build --release -p dynamodb-emulator --quiet
  EMULATOR_BIN="${CARGO_TARGET_DIR:-$(pwd)/target}/release/dynamodb-emulator"
}

# start_emulator ARGS...: starts EMULATOR_BIN on a free port with ARGS and waits until it says
# where it listens (at most 10 s). Sets EMULATOR_PID, EMULATOR_URL and EMULATOR_LOG (its stderr,
# kept until it stops); the script's exit stops it. Exits the script with the log when it does
# not start.
start_emulator() {
  local out
  out="$(mktemp)"
  EMULATOR_LOG="$(mktemp)"
  "$EMULATOR_BIN" --port 0 "$@" >"$out" 2>"$EMULATOR_LOG" &
  EMULATOR_PID=$!
  trap stop_emulator EXIT
  EMULATOR_URL=""
  for _ in $(seq 200); do
    EMULATOR_URL="$(sed -n 's/^listening on //p' "$out")"
    [ -n "$EMULATOR_URL" ] && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || break
    sleep 0.05
  done
  rm -f "$out"
  if [ -z "$EMULATOR_URL" ]; then
    echo "$(basename "$0"): the emulator did not start" >&2
    cat "$EMULATOR_LOG" >&2
    exit 1
  fi
}

# Stops the emulator start_emulator started, if it still runs, and removes its log.
stop_emulator() {
  if [ -n "${EMULATOR_PID:-}" ]; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
    rm -f "$EMULATOR_LOG"
    EMULATOR_PID=""
  fi
}
