// The emulator's CLI driven from Node: start the binary, use it through the AWS SDK v3, move its
// clock so a TTL item expires, stop it.
//
//     npm install @aws-sdk/client-dynamodb
//     node quickstart.mjs [path/to/dynamodb-emulator]
//
// The binary defaults to `dynamodb-emulator` on PATH (`cargo install dynamodb-emulator`). A fuller
// test set-up: conformance-tests/npm/support/emulator.js.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";

const binary = process.argv[2] ?? "dynamodb-emulator";
const child = spawn(binary, ["--port", "0", "--manual-clock"], { stdio: ["ignore", "pipe", "inherit"] });
// The one line the binary prints once it accepts connections.
const [line] = await once(createInterface({ input: child.stdout }), "line");
const url = line.replace(/^listening on /, "");

/** Calls one of the emulator's /_emulator/ clock and TTL controls. */
async function control(method, route, body) {
  const res = await fetch(`${url}/_emulator/${route}`, { method, body: body && JSON.stringify(body) });
  return res.json();
}

try {
  const ddb = new DynamoDBClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  await ddb.send(
    new CreateTableCommand({
      TableName: "sessions",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    }),
  );
  await ddb.send(
    new UpdateTimeToLiveCommand({ TableName: "sessions", TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } }),
  );
  const now = Math.floor((await control("GET", "clock")).now_millis / 1000);
  await ddb.send(new PutItemCommand({ TableName: "sessions", Item: { id: { S: "s1" }, expires: { N: String(now + 60) } } }));
  const key = { TableName: "sessions", Key: { id: { S: "s1" } } };
  console.log("stored:", JSON.stringify((await ddb.send(new GetItemCommand(key))).Item));

  await control("POST", "clock/advance", { seconds: 61 });
  console.log("expired and deleted:", (await control("POST", "ttl/sweep")).deleted);
  if ((await ddb.send(new GetItemCommand(key))).Item) throw new Error("the expired item is still there");
} finally {
  child.kill();
}
