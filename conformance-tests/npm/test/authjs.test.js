// @auth/dynamodb-adapter (Auth.js / NextAuth.js) against the emulator, through its whole Adapter
// API the way Auth.js core calls it, on the table layout its docs prescribe: pk/sk, GSI1
// (GSI1PK/GSI1SK, projection ALL), TTL on `expires`.
//
// The scenarios follow Auth.js's own adapter test utility (@auth/adapter-test), which is not
// published to npm.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateTableCommand,
  DeleteTableCommand,
  GetItemCommand,
  ScanCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { DynamoDBAdapter } from "@auth/dynamodb-adapter";
import { advanceTo, client, nowMillis, sweep, tableName } from "../support/emulator.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function createAuthTable(ddb, TableName) {
  await ddb.send(
    new CreateTableCommand({
      TableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
        { AttributeName: "GSI1PK", AttributeType: "S" },
        { AttributeName: "GSI1SK", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: "GSI1",
          KeySchema: [
            { AttributeName: "GSI1PK", KeyType: "HASH" },
            { AttributeName: "GSI1SK", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    }),
  );
  await ddb.send(
    new UpdateTimeToLiveCommand({
      TableName,
      TimeToLiveSpecification: { AttributeName: "expires", Enabled: true },
    }),
  );
}

/** A Date `seconds` after the emulator's clock, on a whole second. */
async function inSeconds(seconds) {
  return new Date((Math.floor((await nowMillis()) / 1000) + seconds) * 1000);
}

describe("@auth/dynamodb-adapter", () => {
  let ddb, doc, TableName, adapter;
  const tables = [];

  before(async () => {
    ddb = await client();
    // The document client as Auth.js's DynamoDB guide configures it.
    doc = DynamoDBDocument.from(ddb, {
      marshallOptions: { convertEmptyValues: true, removeUndefinedValues: true, convertClassInstanceToMap: true },
    });
    TableName = tableName("next-auth");
    tables.push(TableName);
    await createAuthTable(ddb, TableName);
    adapter = DynamoDBAdapter(doc, { tableName: TableName });
  });

  after(async () => {
    for (const t of tables) await ddb.send(new DeleteTableCommand({ TableName: t }));
  });

  const userData = {
    name: "Ada Lovelace",
    email: "ada@example.com",
    emailVerified: new Date("2026-01-02T03:04:05.678Z"),
    image: "https://example.com/ada.png",
  };
  let user;

  test("createUser returns the user with a new id; getUser reads it back", async () => {
    user = await adapter.createUser(userData);
    assert.match(user.id, UUID);
    assert.deepEqual(user, { ...userData, id: user.id });
    assert.deepEqual(await adapter.getUser(user.id), { ...userData, id: user.id });
  });

  test("the stored item carries the documented keys and an ISO date", async () => {
    const { Item } = await ddb.send(
      new GetItemCommand({ TableName, Key: { pk: { S: `USER#${user.id}` }, sk: { S: `USER#${user.id}` } } }),
    );
    assert.deepEqual(Item, {
      pk: { S: `USER#${user.id}` },
      sk: { S: `USER#${user.id}` },
      GSI1PK: { S: "USER#ada@example.com" },
      GSI1SK: { S: "USER#ada@example.com" },
      type: { S: "USER" },
      id: { S: user.id },
      name: { S: "Ada Lovelace" },
      email: { S: "ada@example.com" },
      emailVerified: { S: "2026-01-02T03:04:05.678Z" },
      image: { S: "https://example.com/ada.png" },
    });
  });

  test("getUser and getUserByEmail return null for unknown users", async () => {
    assert.equal(await adapter.getUser("00000000-0000-4000-8000-000000000000"), null);
    assert.equal(await adapter.getUserByEmail("nobody@example.com"), null);
  });

  test("getUserByEmail finds the user through GSI1", async () => {
    assert.deepEqual(await adapter.getUserByEmail("ada@example.com"), { ...userData, id: user.id });
  });

  test("updateUser sets the given attributes and returns the whole user", async () => {
    const updated = await adapter.updateUser({ id: user.id, name: "Ada King", emailVerified: null });
    const expected = { ...userData, id: user.id, name: "Ada King", emailVerified: null };
    assert.deepEqual(updated, expected);
    assert.deepEqual(await adapter.getUser(user.id), expected);
    // The adapter never rewrites GSI1PK, so the user is still found by the email it was created with.
    assert.deepEqual(await adapter.getUserByEmail("ada@example.com"), expected);
    user = updated;
  });

  const account = {
    provider: "github",
    type: "oauth",
    providerAccountId: "gh-1815",
    access_token: "gho_token",
    token_type: "bearer",
    scope: "read:user user:email",
    expires_at: 1893456000,
  };

  test("linkAccount returns its input; getUserByAccount finds the user", async () => {
    assert.deepEqual(await adapter.linkAccount({ ...account, userId: user.id }), { ...account, userId: user.id });
    assert.deepEqual(await adapter.getUserByAccount({ provider: "github", providerAccountId: "gh-1815" }), user);
    assert.equal(await adapter.getUserByAccount({ provider: "github", providerAccountId: "gh-0" }), null);
    assert.equal(await adapter.getUserByAccount({ provider: "gitlab", providerAccountId: "gh-1815" }), null);
  });

  let sessionExpires;

  test("createSession; getSessionAndUser returns the session and its user", async () => {
    sessionExpires = await inSeconds(30 * 24 * 3600);
    const data = { sessionToken: "token-a", userId: user.id, expires: sessionExpires };
    const created = await adapter.createSession(data);
    assert.match(created.id, UUID);
    assert.deepEqual(created, { ...data, id: created.id });
    assert.deepEqual(await adapter.getSessionAndUser("token-a"), { session: data, user });
    assert.equal(await adapter.getSessionAndUser("token-unknown"), null);
  });

  test("a session's expires is stored as epoch seconds, as TTL needs", async () => {
    const { Item } = await ddb.send(
      new GetItemCommand({ TableName, Key: { pk: { S: `USER#${user.id}` }, sk: { S: "SESSION#token-a" } } }),
    );
    assert.deepEqual(Item.expires, { N: String(sessionExpires.getTime() / 1000) });
  });

  test("a millisecond expiry round-trips as a fractional Number", async () => {
    const expires = new Date(sessionExpires.getTime() + 250);
    await adapter.createSession({ sessionToken: "token-ms", userId: user.id, expires });
    const { Item } = await ddb.send(
      new GetItemCommand({ TableName, Key: { pk: { S: `USER#${user.id}` }, sk: { S: "SESSION#token-ms" } } }),
    );
    assert.deepEqual(Item.expires, { N: `${sessionExpires.getTime() / 1000}.25` });
    const { session } = await adapter.getSessionAndUser("token-ms");
    assert.equal(session.expires.getTime(), expires.getTime());
    assert.deepEqual(await adapter.deleteSession("token-ms"), { sessionToken: "token-ms", userId: user.id, expires });
  });

  test("updateSession moves the expiry and returns the updated session", async () => {
    const expires = await inSeconds(60 * 24 * 3600);
    const updated = await adapter.updateSession({ sessionToken: "token-a", expires });
    assert.deepEqual(updated, { sessionToken: "token-a", userId: user.id, expires });
    assert.deepEqual(await adapter.getSessionAndUser("token-a"), {
      session: { sessionToken: "token-a", userId: user.id, expires },
      user,
    });
    assert.equal(await adapter.updateSession({ sessionToken: "token-unknown", expires }), null);
    sessionExpires = expires;
  });

  test("deleteSession returns the deleted session; a second delete returns null", async () => {
    assert.deepEqual(await adapter.deleteSession("token-a"), {
      sessionToken: "token-a",
      userId: user.id,
      expires: sessionExpires,
    });
    assert.equal(await adapter.getSessionAndUser("token-a"), null);
    assert.equal(await adapter.deleteSession("token-a"), null);
  });

  test("createVerificationToken; useVerificationToken returns it once", async () => {
    const vt = { identifier: "ada@example.com", token: "vt-123", expires: await inSeconds(24 * 3600) };
    assert.deepEqual(await adapter.createVerificationToken(vt), vt);
    assert.equal(await adapter.useVerificationToken({ identifier: "ada@example.com", token: "vt-wrong" }), null);
    assert.deepEqual(await adapter.useVerificationToken({ identifier: "ada@example.com", token: "vt-123" }), vt);
    assert.equal(await adapter.useVerificationToken({ identifier: "ada@example.com", token: "vt-123" }), null);
  });

  test("unlinkAccount returns the stored account and removes it", async () => {
    const removed = await adapter.unlinkAccount({ provider: "github", providerAccountId: "gh-1815" });
    assert.match(removed.id, UUID);
    assert.deepEqual(removed, { ...account, userId: user.id, id: removed.id });
    assert.equal(await adapter.getUserByAccount({ provider: "github", providerAccountId: "gh-1815" }), null);
    assert.equal(await adapter.unlinkAccount({ provider: "github", providerAccountId: "gh-1815" }), undefined);
  });

  test("deleteUser removes the user with its accounts and sessions, and nothing else", async () => {
    const other = await adapter.createUser({ name: "Grace", email: "grace@example.com", emailVerified: null });
    await adapter.linkAccount({ ...account, providerAccountId: "gh-1", userId: user.id });
    await adapter.linkAccount({ ...account, providerAccountId: "gh-2", userId: other.id });
    const expires = await inSeconds(24 * 3600);
    await adapter.createSession({ sessionToken: "token-b", userId: user.id, expires });
    await adapter.createSession({ sessionToken: "token-c", userId: other.id, expires });

    assert.deepEqual(await adapter.deleteUser(user.id), user);
    assert.equal(await adapter.getUser(user.id), null);
    assert.equal(await adapter.getUserByEmail("ada@example.com"), null);
    assert.equal(await adapter.getUserByAccount({ provider: "github", providerAccountId: "gh-1" }), null);
    assert.equal(await adapter.getSessionAndUser("token-b"), null);

    assert.deepEqual(await adapter.getUser(other.id), other);
    assert.deepEqual(await adapter.getUserByAccount({ provider: "github", providerAccountId: "gh-2" }), other);
    assert.deepEqual((await adapter.getSessionAndUser("token-c")).user, other);
    const { Items } = await ddb.send(new ScanCommand({ TableName }));
    assert.deepEqual(Items.map((i) => i.sk.S).sort(), [
      "ACCOUNT#github#gh-2",
      "SESSION#token-c",
      `USER#${other.id}`,
    ]);
  });

  test("TTL: expired sessions and verification tokens are swept from the table and GSI1", async () => {
    const ttlTable = tableName("next-auth-ttl");
    tables.push(ttlTable);
    await createAuthTable(ddb, ttlTable);
    const a = DynamoDBAdapter(doc, { tableName: ttlTable });

    const u = await a.createUser({ name: "Ttl", email: "ttl@example.com", emailVerified: null });
    const soon = await inSeconds(3600);
    const later = await inSeconds(2 * 3600);
    await a.createSession({ sessionToken: "s-soon", userId: u.id, expires: soon });
    await a.createSession({ sessionToken: "s-later", userId: u.id, expires: later });
    await a.createVerificationToken({ identifier: "ttl@example.com", token: "vt-soon", expires: soon });

    // One second before the first expiry: nothing has expired.
    await advanceTo(soon.getTime() / 1000 - 1);
    assert.equal(await sweep(), 0);
    assert.equal((await a.getSessionAndUser("s-soon")).session.expires.getTime(), soon.getTime());

    // One second after it: the session and the token expiring then are deleted, the rest stays.
    await advanceTo(soon.getTime() / 1000 + 1);
    assert.equal(await sweep(), 2);
    assert.equal(await a.getSessionAndUser("s-soon"), null);
    assert.equal(await a.useVerificationToken({ identifier: "ttl@example.com", token: "vt-soon" }), null);
    assert.deepEqual(await a.getSessionAndUser("s-later"), {
      session: { sessionToken: "s-later", userId: u.id, expires: later },
      user: u,
    });
    assert.deepEqual(await a.getUser(u.id), u);

    // An updateSession that moves the expiry forward keeps the session alive past its old expiry.
    const extended = await inSeconds(3 * 3600);
    await a.updateSession({ sessionToken: "s-later", expires: extended });
    await advanceTo(later.getTime() / 1000 + 1);
    assert.equal(await sweep(), 0);
    assert.equal((await a.getSessionAndUser("s-later")).session.expires.getTime(), extended.getTime());

    await advanceTo(extended.getTime() / 1000 + 1);
    assert.equal(await sweep(), 1);
    assert.equal(await a.getSessionAndUser("s-later"), null);
    const { Items } = await ddb.send(new ScanCommand({ TableName: ttlTable }));
    assert.deepEqual(Items.map((i) => i.sk.S), [`USER#${u.id}`]);
  });
});
