// The published adapters under chaos plans (PUT /_emulator/chaos): what each does with the faults
// DynamoDB really produces. What a package mishandles is asserted as it behaves today and recorded
// in the README ("Resilience mode", findings), so a fix upstream shows up here as a failure.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateTableCommand, DeleteTableCommand, QueryCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { DynamoDBAdapter } from "@auth/dynamodb-adapter";
import { Session } from "@shopify/shopify-api";
import { DynamoDBSessionStorage } from "@shopify/shopify-app-session-storage-dynamodb";
import { advance, chaosCounts, clearChaos, client, nowMillis, sdkConfig, setChaos, tableName } from "../support/emulator.js";

const string = (name) => ({ AttributeName: name, AttributeType: "S" });
const hash = (name) => ({ AttributeName: name, KeyType: "HASH" });
const range = (name) => ({ AttributeName: name, KeyType: "RANGE" });
const all = { ProjectionType: "ALL" };

describe("the npm adapters under a chaos plan", () => {
  let ddb;
  const tables = [];

  before(async () => {
    ddb = await client();
  });

  after(async () => {
    await clearChaos();
    for (const t of tables) await ddb.send(new DeleteTableCommand({ TableName: t }));
  });

  async function create(prefix, input) {
    const TableName = tableName(prefix);
    tables.push(TableName);
    await ddb.send(new CreateTableCommand({ TableName, BillingMode: "PAY_PER_REQUEST", ...input }));
    return TableName;
  }

  async function authAdapter() {
    const TableName = await create("next-auth", {
      AttributeDefinitions: ["pk", "sk", "GSI1PK", "GSI1SK"].map(string),
      KeySchema: [hash("pk"), range("sk")],
      GlobalSecondaryIndexes: [{ IndexName: "GSI1", KeySchema: [hash("GSI1PK"), range("GSI1SK")], Projection: all }],
    });
    const doc = DynamoDBDocument.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
    return { TableName, adapter: DynamoDBAdapter(doc, { tableName: TableName }) };
  }

  async function userWithAccounts(adapter, email) {
    const user = await adapter.createUser({ email, emailVerified: null });
    for (const provider of ["github", "google"]) {
      await adapter.linkAccount({ userId: user.id, type: "oauth", provider, providerAccountId: `${provider}-1` });
    }
    return user;
  }

  test("@auth/dynamodb-adapter's deleteUser ignores UnprocessedItems: the user is still there", async () => {
    const { TableName, adapter } = await authAdapter();
    const user = await userWithAccounts(adapter, "left@example.com");
    await setChaos({ seed: 1, rules: [{ operation: "BatchWriteItem", table: TableName, unprocessed: 1 }] });
    const deleted = await adapter.deleteUser(user.id);
    await clearChaos();
    assert.equal(deleted.id, user.id, "deleteUser reports the user deleted");
    // Its one BatchWriteItem came back with the last delete (the user item, after the two
    // ACCOUNT# items in sort-key order) unprocessed, and the adapter never retried it.
    assert.equal((await adapter.getUser(user.id))?.id, user.id);
    const left = await ddb.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: `USER#${user.id}` } },
        ConsistentRead: true,
      }),
    );
    assert.deepEqual(left.Items.map((i) => i.sk.S), [`USER#${user.id}`]);
  });

  test("@auth/dynamodb-adapter survives throttles the SDK retries", async () => {
    const { TableName, adapter } = await authAdapter();
    await setChaos({ seed: 2, rules: [{ table: TableName, error: "ThrottlingException", times: 2 }] });
    const user = await adapter.createUser({ email: "throttled@example.com", emailVerified: null });
    const counts = await chaosCounts();
    await clearChaos();
    assert.deepEqual(counts, [{ matched: 3, fired: 2 }], "two throttles, then the third attempt");
    assert.equal((await adapter.getUser(user.id)).email, "throttled@example.com");
  });

  test("@auth/dynamodb-adapter's retried DeleteItem finds nothing: a consumed link and a deleted session read as unknown", async () => {
    const { TableName, adapter } = await authAdapter();
    const user = await adapter.createUser({ email: "retried@example.com", emailVerified: null });
    const expires = new Date((await nowMillis()) + 3_600_000);
    const link = { identifier: "retried@example.com", token: "vt-retried", expires };
    await adapter.createVerificationToken(link);
    await adapter.createSession({ sessionToken: "token-retried", userId: user.id, expires });
    // Each call's DeleteItem deletes, then is answered 500; the JS SDK retries it, and the retry's
    // ReturnValues: ALL_OLD finds nothing to return.
    const retried = { seed: 4, rules: [{ operation: "DeleteItem", table: TableName, error: "InternalServerError", after: true, nth: [1] }] };
    await setChaos(retried);
    const used = await adapter.useVerificationToken(link);
    const linkCounts = await chaosCounts();
    await setChaos(retried);
    const deleted = await adapter.deleteSession("token-retried");
    const sessionCounts = await chaosCounts();
    await clearChaos();
    assert.deepEqual([linkCounts, sessionCounts], [[{ matched: 2, fired: 1 }], [{ matched: 2, fired: 1 }]]);
    assert.equal(used, null, "the sign-in link is refused on the call that consumed it");
    assert.equal(deleted, null, "deleteSession answers no session for the one it deleted");
    const { Items } = await ddb.send(new ScanCommand({ TableName, ConsistentRead: true }));
    assert.deepEqual(
      Items.map((i) => `${i.pk.S} ${i.sk.S}`),
      [`USER#${user.id} USER#${user.id}`],
      "both deletes happened",
    );
  });

  test("Shopify's findSessionsByShop misses a session stored within the index's lag", async () => {
    const TableName = await create("shopify_sessions", {
      AttributeDefinitions: [string("id"), string("shop")],
      KeySchema: [hash("id")],
      GlobalSecondaryIndexes: [{ IndexName: "shop_index", KeySchema: [hash("shop")], Projection: { ProjectionType: "KEYS_ONLY" } }],
    });
    const storage = new DynamoDBSessionStorage({ sessionTableName: TableName, config: await sdkConfig() });
    await setChaos({ seed: 3, rules: [{ table: TableName, index: "shop_index", gsi_lag_ms: 1000 }] });
    const shop = "lag.myshopify.com";
    await storage.storeSession(new Session({ id: `offline_${shop}`, shop, state: "s", isOnline: false }));
    // loadSession reads the table, which is not behind; the shop's index is.
    assert.equal((await storage.loadSession(`offline_${shop}`)).shop, shop);
    assert.deepEqual(await storage.findSessionsByShop(shop), []);
    await advance(1);
    assert.deepEqual(
      (await storage.findSessionsByShop(shop)).map((s) => s.id),
      [`offline_${shop}`],
    );
    await clearChaos();
  });
});
