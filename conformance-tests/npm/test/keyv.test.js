// @keyv/dynamo (the Keyv DynamoDB store) against the emulator, through Keyv's API as an app uses
// it. The store creates its own table (key `id`) and enables TTL on `expiresAt`, which it sets to
// the entry's ttl + 1 s from now, or to six hours from now when there is no ttl.
//
// The store has no iterator, so Keyv offers no key listing (`keyv.iterator`) for it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { createKeyv } from "@keyv/dynamo";
import { advanceTo, client, nowMillis, sdkConfig, sweep, tableName } from "../support/emulator.js";

describe("@keyv/dynamo", () => {
  let ddb, TableName, keyv;

  before(async () => {
    ddb = await client();
    TableName = tableName("keyv");
    keyv = createKeyv({ ...(await sdkConfig()), tableName: TableName });
    keyv.throwOnErrors = true;
    keyv.on("error", (e) => {
      throw e;
    });
  });

  after(async () => {
    await ddb.send(new DeleteTableCommand({ TableName }));
  });

  const rawItem = async (id) => (await ddb.send(new GetItemCommand({ TableName, Key: { id: { S: id } } }))).Item;

  test("the store creates its table with TTL on expiresAt", async () => {
    assert.equal(await keyv.get("warm-up"), undefined);
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    assert.equal(Table.TableStatus, "ACTIVE");
    assert.deepEqual(Table.KeySchema, [{ AttributeName: "id", KeyType: "HASH" }]);
    assert.deepEqual(Table.BillingModeSummary?.BillingMode, "PAY_PER_REQUEST");
    const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName }));
    assert.deepEqual(ttl.TimeToLiveDescription, { AttributeName: "expiresAt", TimeToLiveStatus: "ENABLED" });
  });

  test("a second store on the same table finds it instead of creating it", async () => {
    const again = createKeyv({ ...(await sdkConfig()), tableName: TableName });
    again.throwOnErrors = true;
    assert.equal(await again.get("warm-up"), undefined);
  });

  const values = {
    string: "hello",
    number: 42.5,
    zero: 0,
    boolean: false,
    array: [1, "two", { three: 3 }],
    object: { nested: { deep: [true, null] }, emoji: "héllo ✓" },
  };

  test("set then get returns each value exactly", async () => {
    for (const [k, v] of Object.entries(values)) assert.equal(await keyv.set(k, v), true);
    for (const [k, v] of Object.entries(values)) assert.deepEqual(await keyv.get(k), v);
    assert.equal(await keyv.get("missing"), undefined);
  });

  test("the item holds the serialized value and an expiresAt in epoch seconds", async () => {
    const before = Math.floor(Date.now() / 1000);
    await keyv.set("raw", { a: 1 });
    const after = Math.floor(Date.now() / 1000);
    const item = await rawItem("raw");
    assert.deepEqual(Object.keys(item).sort(), ["expiresAt", "id", "value"]);
    assert.deepEqual(item.id, { S: "raw" });
    assert.deepEqual(JSON.parse(item.value.S), { value: { a: 1 } });
    const expiresAt = Number(item.expiresAt.N);
    assert.ok(Number.isInteger(expiresAt));
    assert.ok(expiresAt >= before + 6 * 3600 && expiresAt <= after + 6 * 3600, `expiresAt ${expiresAt}`);
  });

  test("set overwrites", async () => {
    await keyv.set("string", "bye");
    assert.equal(await keyv.get("string"), "bye");
  });

  test("has", async () => {
    assert.equal(await keyv.has("number"), true);
    assert.equal(await keyv.has("zero"), true);
    assert.equal(await keyv.has("missing"), false);
  });

  test("delete returns whether the key existed", async () => {
    assert.equal(await keyv.delete("boolean"), true);
    assert.equal(await keyv.get("boolean"), undefined);
    assert.equal(await keyv.has("boolean"), false);
    assert.equal(await keyv.delete("boolean"), false);
  });

  test("getMany returns values in the order asked, undefined for missing keys", async () => {
    assert.deepEqual(await keyv.getMany(["object", "missing", "number", "array"]), [
      values.object,
      undefined,
      values.number,
      values.array,
    ]);
  });

  test("setMany and deleteMany", async () => {
    const entries = Array.from({ length: 10 }, (_, i) => ({ key: `many-${i}`, value: i }));
    assert.deepEqual(await keyv.setMany(entries), entries.map(() => true));
    assert.deepEqual(await keyv.getMany(entries.map((e) => e.key)), entries.map((e) => e.value));
    assert.equal(await keyv.deleteMany(entries.slice(0, 5).map((e) => e.key)), true);
    assert.deepEqual(
      await keyv.getMany(entries.map((e) => e.key)),
      entries.map((e, i) => (i < 5 ? undefined : e.value)),
    );
    assert.equal(await keyv.deleteMany(["never-1", "never-2"]), false);
  });

  test("keys cannot be listed: the store offers no iterator", () => {
    assert.equal(keyv.iterator, undefined);
  });

  test("clear removes every entry", async () => {
    const { Items } = await ddb.send(new ScanCommand({ TableName }));
    assert.ok(Items.length > 0 && Items.length <= 25, "clear deletes in one BatchWriteItem of at most 25");
    await keyv.clear();
    assert.deepEqual((await ddb.send(new ScanCommand({ TableName }))).Items, []);
    assert.equal(await keyv.get("number"), undefined);
  });

  test("TTL: entries are swept when their expiresAt passes", async () => {
    // This process's clock may be behind the emulator's (other tests moved it forward): give
    // the ttls from the emulator's now, so entries expire relative to the emulator's clock.
    const skew = Math.max(0, (await nowMillis()) - Date.now());
    await keyv.set("one-minute", "a", skew + 60_000);
    await keyv.set("one-hour", "b", skew + 3_600_000);
    await keyv.set("no-ttl", "c");
    const expiry = async (k) => Number((await rawItem(k)).expiresAt.N);
    const [minute, hour, noTtl] = [await expiry("one-minute"), await expiry("one-hour"), await expiry("no-ttl")];
    assert.ok(minute < hour, "one-minute expires first");
    assert.ok(hour < noTtl, `no-ttl (${noTtl}) expires after one-hour (${hour}): the store's default is six hours`);

    await advanceTo(minute - 1);
    assert.equal(await sweep(), 0);
    assert.equal(await keyv.get("one-minute"), "a");

    await advanceTo(minute + 1);
    assert.equal(await keyv.has("one-minute"), true, "an expired item stays readable until the sweep");
    assert.equal(await sweep(), 1);
    assert.equal(await rawItem("one-minute"), undefined);
    assert.equal(await keyv.get("one-minute"), undefined);
    assert.equal(await keyv.has("one-minute"), false);
    assert.equal(await keyv.get("one-hour"), "b");

    // Setting the key again moves its expiry forward, past the six-hour default.
    await keyv.set("one-hour", "b2", skew + 8 * 3_600_000);
    await advanceTo(hour + 1);
    assert.equal(await sweep(), 0);
    assert.equal(await keyv.get("one-hour"), "b2");

    await advanceTo(noTtl + 1);
    assert.equal(await sweep(), 1);
    assert.equal(await keyv.get("no-ttl"), undefined);
    assert.equal(await keyv.get("one-hour"), "b2");
  });
});
