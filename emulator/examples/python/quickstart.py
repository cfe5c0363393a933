"""The emulator's CLI driven from Python: start the binary, use it through boto3, move its clock
so a TTL item expires, stop it.

    pip install boto3
    python quickstart.py [path/to/dynamodb-emulator]

The binary defaults to `dynamodb-emulator` on PATH (`cargo install dynamodb-emulator`). The same
start-up as a pytest fixture: conformance-tests/python/conftest.py.
"""

import contextlib
import json
import subprocess
import sys
import urllib.request

import boto3


@contextlib.contextmanager
def emulator(binary):
    """Runs the emulator on a free port with a manual clock; yields its URL."""
    proc = subprocess.Popen([binary, "--port", "0", "--manual-clock"], stdout=subprocess.PIPE, text=True)
    try:
        # The one line the binary prints once it accepts connections.
        yield proc.stdout.readline().removeprefix("listening on ").strip()
    finally:
        proc.terminate()
        proc.wait()


def control(url, method, route, body=None):
    """Calls one of the emulator's /_emulator/ clock and TTL controls."""
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{url}/_emulator/{route}", data, method=method)) as res:
        return json.load(res)


def main(binary):
    with emulator(binary) as url:
        ddb = boto3.client(
            "dynamodb", endpoint_url=url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        ddb.create_table(
            TableName="sessions",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        )
        ddb.update_time_to_live(
            TableName="sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
        )
        now = control(url, "GET", "clock")["now_millis"] // 1000
        ddb.put_item(TableName="sessions", Item={"id": {"S": "s1"}, "expires": {"N": str(now + 60)}})
        print("stored:", ddb.get_item(TableName="sessions", Key={"id": {"S": "s1"}})["Item"])

        control(url, "POST", "clock/advance", {"seconds": 61})
        print("expired and deleted:", control(url, "POST", "ttl/sweep")["deleted"])
        assert "Item" not in ddb.get_item(TableName="sessions", Key={"id": {"S": "s1"}})


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dynamodb-emulator")
