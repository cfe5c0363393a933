"""The emulator these tests run against, and its clock and TTL controls.

The `emulator` fixture starts the emulator binary once per test session on a free port with the
manual clock (`--port 0 --manual-clock`), reads the address from its ready line, and stops it at
the end. `DYNAMODB_EMULATOR_URL` points the tests at a running emulator instead;
`DYNAMODB_EMULATOR_BIN` names the binary (default:
`${CARGO_TARGET_DIR:-<repo>/target}/release/dynamodb-emulator`). Every test makes its own tables.
"""

import json
import os
import subprocess
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
# Any credentials do: unless started with --credentials, the emulator checks that requests are
# signed, not by whom.
CREDENTIALS = {"aws_access_key_id": "python-lane", "aws_secret_access_key": "python-lane"}


class Emulator:
    """A running emulator: its URL and the `/_emulator/` clock and TTL controls."""

    def __init__(self, url):
        self.url = url

    def _control(self, method, route, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/_emulator/{route}", data=data, method=method)
        with urllib.request.urlopen(req) as res:
            return json.load(res)

    def now(self):
        """The emulator's clock, in epoch seconds."""
        return self._control("GET", "clock")["now_millis"] // 1000

    def advance(self, seconds):
        """Moves the emulator's manual clock forward."""
        self._control("POST", "clock/advance", {"seconds": seconds})

    def sweep(self):
        """Deletes every item whose TTL has passed, now; returns how many."""
        return self._control("POST", "ttl/sweep")["deleted"]


@pytest.fixture(scope="session")
def emulator():
    if os.environ.get("DYNAMODB_EMULATOR_URL"):
        yield Emulator(os.environ["DYNAMODB_EMULATOR_URL"])
        return
    yield from start_emulator()


def start_emulator(*args):
    """Runs an emulator binary of our own on a free port with the manual clock and `args`,
    yielding it until the generator is closed."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    binary = os.environ.get("DYNAMODB_EMULATOR_BIN", target / "release" / "dynamodb-emulator")
    proc = subprocess.Popen(
        [binary, "--port", "0", "--manual-clock", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        if not line.startswith("listening on "):
            pytest.fail(f"{binary} did not start (exit status {proc.poll()})")
        yield Emulator(line.removeprefix("listening on ").strip())
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def boto3_session(emulator):
    return boto3.session.Session(region_name=REGION, **CREDENTIALS)


@pytest.fixture
def client(emulator, boto3_session):
    """A boto3 DynamoDB client, as an application configures one for a local endpoint."""
    return boto3_session.client("dynamodb", endpoint_url=emulator.url)


@pytest.fixture
def resource(emulator, boto3_session):
    """The boto3 resource API (Table objects, plain Python values)."""
    return boto3_session.resource("dynamodb", endpoint_url=emulator.url)


@pytest.fixture
def table_name():
    """A table name no other test uses."""
    return f"py-{uuid.uuid4()}"
