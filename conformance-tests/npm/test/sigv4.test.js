// SigV4 verification (`--credentials`) against the JavaScript SDK's own signer, on an emulator of
// this file's own: the right secret passes; a wrong secret, an unknown key and a clock more than
// 15 minutes off get DynamoDB's exact errors. The SDK corrects its clock from the answer's `Date`,
// which follows the emulator's clock, so its next request passes again, as against AWS.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { advance, nowMillis, region, startEmulator } from "../support/emulator.js";

/** `YYYYMMDDTHHMMSSZ`, as SigV4 writes times. */
const basic = (ms) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

describe("SigV4 verification", () => {
  let endpoint;
  const clientFor = (accessKeyId, secretAccessKey) =>
    new DynamoDBClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
  const refusal = async (client) => {
    const e = await client.send(new ListTablesCommand({})).then(
      () => assert.fail("the request passed"),
      (e) => e,
    );
    return [e.name, e.message];
  };

  before(async () => {
    endpoint = await startEmulator(["--credentials", "AKIDEXAMPLE:right-secret,OTHER:other:111122223333"]);
  });

  test("the right secret passes, a wrong one and an unknown key are refused", async () => {
    assert.deepEqual((await clientFor("AKIDEXAMPLE", "right-secret").send(new ListTablesCommand({}))).TableNames, []);
    assert.deepEqual((await clientFor("OTHER", "other").send(new ListTablesCommand({}))).TableNames, []);
    assert.deepEqual(await refusal(clientFor("AKIDEXAMPLE", "wrong-secret")), [
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    ]);
    assert.deepEqual(await refusal(clientFor("NOSUCHKEY", "right-secret")), [
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    ]);
  });

  test("a request 20 minutes behind the emulator's clock is refused, then the SDK corrects", async () => {
    const client = clientFor("AKIDEXAMPLE", "right-secret");
    await client.send(new ListTablesCommand({}));
    await advance(20 * 60, endpoint);
    const now = await nowMillis(endpoint);
    const [name, message] = await refusal(client);
    assert.equal(name, "InvalidSignatureException");
    const expected = `is now earlier than ${basic(now - 15 * 60_000)} (${basic(now)} - 15 min.)`;
    assert.match(message, /^Signature expired: \d{8}T\d{6}Z /);
    assert.ok(message.endsWith(expected), message);
    assert.deepEqual((await client.send(new ListTablesCommand({}))).TableNames, []);
  });
});
