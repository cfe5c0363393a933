// @jovotech/db-dynamodb (Jovo v4's user store) against the emulator, inside a Jovo app: an App with
// the Core platform and the DynamoDb plugin, handling requests through a server integration as
// Jovo's Lambda and Express servers do (`app.initialize()`, then `app.handle(server)` per request).
// The plugin loads the user's item (GetItem, consistent) before the handler runs and writes it back
// whole (PutItem) before the response; on first start it creates its table and fails that request.
//
// Pins: db-dynamodb 4.1.0 wants framework 4.1.0 exactly, and platform-core 4.1.0 wants output 4.0.1;
// common 4.0.2 and class-transformer 0.4.0 are what those were built with (class-transformer 0.4.1
// renamed plainToClass, which output 4.0.1 calls). source-map-support is required by the framework
// but not declared by it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DeleteTableCommand, DescribeTableCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { App, BaseComponent, Component, Global, Handle, Logger, Server } from "@jovotech/framework";
import { CorePlatform } from "@jovotech/platform-core";
import { DynamoDb } from "@jovotech/db-dynamodb";
import { client, sdkConfig, tableName } from "../support/emulator.js";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Counts a user's visits in `$user.data`, which the DynamoDb plugin persists. */
class Visits extends BaseComponent {
  LAUNCH() {
    this.$user.data.visits = (this.$user.data.visits ?? 0) + 1;
    return this.$send(this.$user.isNew ? "Welcome!" : `Welcome back: visit ${this.$user.data.visits}.`);
  }

  forget() {
    this.$user.data = {};
    return this.$send("Forgotten.");
  }
}
// The decorators a TypeScript Jovo app writes as @Global() @Component() and @Handle(...).
Handle({ global: true, intents: ["ForgetIntent"] })(Visits.prototype, "forget");
Global()(Component()(Visits));

/** A server integration: hands Jovo one platform request and keeps the response. */
class JsonServer extends Server {
  constructor(request) {
    super();
    this.request = request;
  }
  hasWriteFileAccess() {
    return false;
  }
  getRequestObject() {
    return this.request;
  }
  getQueryParams() {
    return {};
  }
  getNativeRequestHeaders() {
    return { "content-type": "application/json" };
  }
  setResponseHeaders() {}
  async setResponse(response) {
    this.response = response;
  }
  fail(error) {
    this.error = error;
  }
}

describe("@jovotech/db-dynamodb", () => {
  let ddb, TableName, app;
  const errors = [];

  before(async () => {
    ddb = await client();
    TableName = tableName("jovo");
    Logger.setSettings({ suppressStdOutput: true });
    app = new App({ plugins: [new CorePlatform()], components: [Visits], logging: false });
    app.configure({
      plugins: [new DynamoDb({ table: { name: TableName }, libraryConfig: { dynamoDbClient: await sdkConfig() } })],
    });
    app.onError((e) => errors.push(e.message));
  });

  after(async () => {
    await ddb.send(new DeleteTableCommand({ TableName }));
  });

  /** One request through the app, as its server integration would pass it. */
  async function send(userId, input) {
    await app.initialize();
    const server = new JsonServer({
      version: "4.0",
      platform: "core",
      id: "request",
      timestamp: new Date().toISOString(),
      locale: "en",
      data: {},
      input,
      context: {
        device: { capabilities: ["TEXT"] },
        session: { id: `session-${userId}`, data: {}, isNew: input.type === "LAUNCH" },
        user: { id: userId, data: {} },
      },
    });
    await app.handle(server);
    if (server.error) throw server.error;
    return server.response.output.map((o) => o.message);
  }

  const stored = async (userId) =>
    (await ddb.send(new GetItemCommand({ TableName, Key: { userId: { S: userId } } }))).Item;

  test("the first start creates the table and asks to resend", async () => {
    await app.initialize();
    assert.deepEqual(errors.splice(0), ["Creating a table. Please wait a moment and resend the request..."]);
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
    assert.equal(Table.TableStatus, "ACTIVE");
    assert.deepEqual(Table.KeySchema, [{ AttributeName: "userId", KeyType: "HASH" }]);
    assert.deepEqual(Table.AttributeDefinitions, [{ AttributeName: "userId", AttributeType: "S" }]);
    assert.equal(Table.ProvisionedThroughput.ReadCapacityUnits, 2);
    assert.equal(Table.ProvisionedThroughput.WriteCapacityUnits, 2);
  });

  test("a new user is welcomed and stored with the plugin's layout", async () => {
    assert.deepEqual(await send("alice", { type: "LAUNCH" }), ["Welcome!"]);
    const item = await stored("alice");
    assert.deepEqual(Object.keys(item).sort(), ["createdAt", "updatedAt", "user", "userId"]);
    assert.deepEqual(item.userId, { S: "alice" });
    assert.deepEqual(item.user, { M: { data: { M: { visits: { N: "1" } } } } });
    assert.match(item.createdAt.S, ISO);
    assert.match(item.updatedAt.S, ISO);
  });

  test("a returning user's data is loaded, updated and written back", async () => {
    const before = await stored("alice");
    assert.deepEqual(await send("alice", { type: "LAUNCH" }), ["Welcome back: visit 2."]);
    assert.deepEqual(await send("alice", { type: "LAUNCH" }), ["Welcome back: visit 3."]);
    const item = await stored("alice");
    assert.deepEqual(item.user, { M: { data: { M: { visits: { N: "3" } } } } });
    assert.equal(item.createdAt.S, before.createdAt.S, "createdAt is kept from the stored item");
    assert.ok(item.updatedAt.S >= before.updatedAt.S);
  });

  test("users are kept apart", async () => {
    assert.deepEqual(await send("bob", { type: "LAUNCH" }), ["Welcome!"]);
    assert.deepEqual((await stored("bob")).user, { M: { data: { M: { visits: { N: "1" } } } } });
    assert.deepEqual((await stored("alice")).user, { M: { data: { M: { visits: { N: "3" } } } } });
  });

  test("an intent that clears the user's data stores an empty map", async () => {
    assert.deepEqual(await send("alice", { type: "INTENT", intent: "ForgetIntent" }), ["Forgotten."]);
    assert.deepEqual((await stored("alice")).user, { M: { data: { M: {} } } });
    assert.deepEqual(await send("alice", { type: "LAUNCH" }), ["Welcome back: visit 1."]);
    assert.deepEqual(errors, []);
  });
});
