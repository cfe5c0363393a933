// @shopify/shopify-app-session-storage-dynamodb against the emulator, through the SessionStorage
// API a Shopify app uses, on the table its README prescribes: key `id`, GSI `shop_index` on `shop`
// (KEYS_ONLY). The adapter stores `expires` as an ISO string and uses no TTL.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateTableCommand, DeleteTableCommand, GetItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { Session } from "@shopify/shopify-api";
import { DynamoDBSessionStorage } from "@shopify/shopify-app-session-storage-dynamodb";
import { client, sdkConfig, tableName } from "../support/emulator.js";

const shopA = "shop-a.myshopify.com";
const shopB = "shop-b.myshopify.com";

const offline = () =>
  new Session({
    id: `offline_${shopA}`,
    shop: shopA,
    state: "state-1",
    isOnline: false,
    scope: "read_products,write_orders",
    accessToken: "shpat_offline",
  });

const online = () =>
  new Session({
    id: `${shopA}_42`,
    shop: shopA,
    state: "state-2",
    isOnline: true,
    scope: "read_products",
    accessToken: "shpua_online",
    expires: new Date("2026-12-01T10:20:30.456Z"),
    refreshToken: "refresh-1",
    refreshTokenExpires: new Date("2027-01-01T00:00:00.000Z"),
    onlineAccessInfo: {
      expires_in: 86400,
      associated_user_scope: "read_products",
      associated_user: {
        id: 42,
        first_name: "Ada",
        last_name: "Lovelace",
        email: "ada@example.com",
        email_verified: true,
        account_owner: true,
        locale: "en",
        collaborator: false,
      },
    },
  });

const ids = (sessions) => sessions.map((s) => s.id).sort();
const sorted = (list) => [...list].sort();

describe("@shopify/shopify-app-session-storage-dynamodb", () => {
  let ddb, TableName, storage;

  before(async () => {
    ddb = await client();
    TableName = tableName("shopify_sessions");
    await ddb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [
          { AttributeName: "id", AttributeType: "S" },
          { AttributeName: "shop", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [
          {
            IndexName: "shop_index",
            KeySchema: [{ AttributeName: "shop", KeyType: "HASH" }],
            Projection: { ProjectionType: "KEYS_ONLY" },
            ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
          },
        ],
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }),
    );
    storage = new DynamoDBSessionStorage({ sessionTableName: TableName, config: await sdkConfig() });
  });

  after(async () => {
    await ddb.send(new DeleteTableCommand({ TableName }));
  });

  test("loadSession of an unknown id is undefined; findSessionsByShop of an unknown shop is empty", async () => {
    assert.equal(await storage.loadSession("nope"), undefined);
    assert.deepEqual(await storage.findSessionsByShop(shopA), []);
  });

  test("storeSession then loadSession returns an equal offline session", async () => {
    assert.equal(await storage.storeSession(offline()), true);
    const loaded = await storage.loadSession(offline().id);
    assert.equal(loaded.constructor.name, "Session");
    assert.deepEqual(loaded.toObject(), offline().toObject());
    assert.ok(loaded.equals(offline()));
  });

  test("an online session round-trips with its dates and associated user", async () => {
    assert.equal(await storage.storeSession(online()), true);
    const loaded = await storage.loadSession(online().id);
    assert.deepEqual(loaded.toObject(), online().toObject());
    assert.ok(loaded.equals(online()));
    assert.equal(loaded.expires.toISOString(), "2026-12-01T10:20:30.456Z");
  });

  test("the stored item is the marshalled session, dates as ISO strings", async () => {
    const { Item } = await ddb.send(new GetItemCommand({ TableName, Key: { id: { S: online().id } } }));
    assert.deepEqual(Item, {
      id: { S: `${shopA}_42` },
      shop: { S: shopA },
      state: { S: "state-2" },
      isOnline: { BOOL: true },
      scope: { S: "read_products" },
      accessToken: { S: "shpua_online" },
      expires: { S: "2026-12-01T10:20:30.456Z" },
      refreshToken: { S: "refresh-1" },
      refreshTokenExpires: { S: "2027-01-01T00:00:00.000Z" },
      onlineAccessInfo: {
        M: {
          expires_in: { N: "86400" },
          associated_user_scope: { S: "read_products" },
          associated_user: {
            M: {
              id: { N: "42" },
              first_name: { S: "Ada" },
              last_name: { S: "Lovelace" },
              email: { S: "ada@example.com" },
              email_verified: { BOOL: true },
              account_owner: { BOOL: true },
              locale: { S: "en" },
              collaborator: { BOOL: false },
            },
          },
        },
      },
    });
  });

  test("storeSession replaces the whole item", async () => {
    const s = online();
    s.accessToken = "shpua_rotated";
    s.refreshToken = undefined;
    s.refreshTokenExpires = undefined;
    assert.equal(await storage.storeSession(s), true);
    const loaded = await storage.loadSession(s.id);
    assert.deepEqual(loaded.toObject(), s.toObject());
    assert.equal(loaded.refreshToken, undefined);
    const { Item } = await ddb.send(new GetItemCommand({ TableName, Key: { id: { S: s.id } } }));
    assert.equal(Item.refreshToken, undefined);
    assert.equal(Item.refreshTokenExpires, undefined);
    assert.deepEqual(Item.accessToken, { S: "shpua_rotated" });
  });

  test("findSessionsByShop returns every session of that shop through the KEYS_ONLY index", async () => {
    const other = new Session({ id: `offline_${shopB}`, shop: shopB, state: "s", isOnline: false, accessToken: "b" });
    await storage.storeSession(other);
    const a = await storage.findSessionsByShop(shopA);
    assert.deepEqual(ids(a), sorted([`${shopA}_42`, `offline_${shopA}`]));
    for (const s of a) assert.deepEqual(s.toObject(), (await storage.loadSession(s.id)).toObject());
    const b = await storage.findSessionsByShop(shopB);
    assert.deepEqual(b.map((s) => s.toObject()), [other.toObject()]);
  });

  test("moving a session to another shop moves it in the index", async () => {
    const s = new Session({ id: "moving", shop: shopA, state: "s", isOnline: false });
    await storage.storeSession(s);
    assert.deepEqual(ids(await storage.findSessionsByShop(shopA)), sorted([`${shopA}_42`, "moving", `offline_${shopA}`]));
    s.shop = shopB;
    await storage.storeSession(s);
    assert.deepEqual(ids(await storage.findSessionsByShop(shopA)), sorted([`${shopA}_42`, `offline_${shopA}`]));
    assert.deepEqual(ids(await storage.findSessionsByShop(shopB)), sorted(["moving", `offline_${shopB}`]));
  });

  test("deleteSession removes one session; deleting a missing one still returns true", async () => {
    assert.equal(await storage.deleteSession(`${shopA}_42`), true);
    assert.equal(await storage.loadSession(`${shopA}_42`), undefined);
    assert.deepEqual(ids(await storage.findSessionsByShop(shopA)), [`offline_${shopA}`]);
    assert.equal(await storage.deleteSession(`${shopA}_42`), true);
  });

  test("deleteSessions removes several sessions at once", async () => {
    assert.equal(await storage.deleteSessions([`offline_${shopA}`, `offline_${shopB}`, "moving", "never-stored"]), true);
    assert.deepEqual(await storage.findSessionsByShop(shopA), []);
    assert.deepEqual(await storage.findSessionsByShop(shopB), []);
    const { Items } = await ddb.send(new ScanCommand({ TableName }));
    assert.deepEqual(Items, []);
  });

  test("many sessions of one shop are all found", async () => {
    const sessions = Array.from({ length: 40 }, (_, i) =>
      new Session({ id: `bulk_${String(i).padStart(2, "0")}`, shop: "bulk.myshopify.com", state: `s${i}`, isOnline: i % 2 === 0 }),
    );
    await Promise.all(sessions.map((s) => storage.storeSession(s)));
    const found = await storage.findSessionsByShop("bulk.myshopify.com");
    assert.deepEqual(ids(found), sessions.map((s) => s.id));
    assert.ok(found.every((f) => f.equals(sessions.find((s) => s.id === f.id))));
    await storage.deleteSessions(sessions.map((s) => s.id));
    assert.deepEqual(await storage.findSessionsByShop("bulk.myshopify.com"), []);
  });
});
