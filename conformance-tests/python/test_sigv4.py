"""SigV4 verification (`--credentials`) against botocore's own signer, on an emulator of this
file's own: the right secret passes; a wrong secret, an unknown key and a clock more than 15
minutes off get DynamoDB's exact errors."""

import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import REGION, start_emulator

WRONG_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. Check your AWS"
    " Secret Access Key and signing method. Consult the service documentation for details."
)


@pytest.fixture(scope="module")
def verifying():
    yield from start_emulator("--credentials", "AKIDEXAMPLE:right-secret,OTHER:other:111122223333")


def client(emulator, key, secret):
    return boto3.client(
        "dynamodb",
        endpoint_url=emulator.url,
        region_name=REGION,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1}),
    )


def refusal(client):
    with pytest.raises(ClientError) as e:
        client.list_tables()
    return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]


def basic(seconds):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds))


def test_the_right_secret_passes_a_wrong_one_and_an_unknown_key_are_refused(verifying):
    assert client(verifying, "AKIDEXAMPLE", "right-secret").list_tables()["TableNames"] == []
    assert client(verifying, "OTHER", "other").list_tables()["TableNames"] == []
    assert refusal(client(verifying, "AKIDEXAMPLE", "wrong-secret")) == (
        "InvalidSignatureException",
        WRONG_SIGNATURE,
    )
    assert refusal(client(verifying, "NOSUCHKEY", "right-secret")) == (
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )


def test_a_request_20_minutes_behind_the_emulators_clock_is_refused(verifying):
    verifying.advance(20 * 60)
    now = verifying.now()
    code, message = refusal(client(verifying, "AKIDEXAMPLE", "right-secret"))
    assert code == "InvalidSignatureException"
    assert message.startswith("Signature expired: ")
    assert message.endswith(f" is now earlier than {basic(now - 15 * 60)} ({basic(now)} - 15 min.)")
