#!/usr/bin/env bash
# The Python lane: boto3 and PynamoDB (conformance-tests/python/requirements.txt, every package
# pinned) against the emulator binary. Builds the release emulator, creates a virtualenv in the
# target directory and installs the pinned packages from PyPI into it (again only when the
# requirements change), runs the Python example (emulator/examples/python), then pytest, whose
# `emulator` fixture starts the binary (conftest.py). Extra arguments go to pytest. Needs Rust,
# Python 3.10 or later with venv and pip, and access to PyPI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "python lane: needs Python 3.10 or later (found: $("$python" --version 2>&1 || echo none))" >&2
  exit 1
fi

cargo build --release -p dynamodb-emulator --quiet
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/python-lane"
requirements=conformance-tests/python/requirements.txt
if ! cmp -s "$requirements" "$venv/installed-requirements.txt"; then
  rm -rf "$venv"
  if ! "$python" -m venv "$venv"; then
    echo "python lane: cannot create a virtualenv (on Debian or Ubuntu: apt-get install python3-venv)" >&2
    exit 1
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
  cp "$requirements" "$venv/installed-requirements.txt"
fi

export DYNAMODB_EMULATOR_BIN="$target/release/dynamodb-emulator"
echo "python lane: the Python example (emulator/examples/python)"
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" emulator/examples/python/quickstart.py "$DYNAMODB_EMULATOR_BIN" 2>/dev/null
echo "python lane: running boto3 and PynamoDB against $DYNAMODB_EMULATOR_BIN"
cd conformance-tests/python
PYTHONDONTWRITEBYTECODE=1 exec "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
