// The emulator these tests run against, and its clock and TTL controls.
//
// scripts/npm-lane.sh starts one emulator (`--port 0 --manual-clock`) and passes its address in
// DYNAMODB_EMULATOR_URL; the test files run one at a time against it, each with its own tables.
// Without that variable (`npm test` by hand), each test file starts its own emulator from
// DYNAMODB_EMULATOR_BIN or ${CARGO_TARGET_DIR:-<repo>/target}/release/dynamodb-emulator.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export const region = "us-east-1";
export const credentials = { accessKeyId: "npm-lane", secretAccessKey: "npm-lane" };

let started;

/** The emulator's base URL, `http://HOST:PORT`. */
export function emulatorUrl() {
  if (process.env.DYNAMODB_EMULATOR_URL) return Promise.resolve(process.env.DYNAMODB_EMULATOR_URL);
  started ??= startEmulator();
  return started;
}

/**
 * Starts an emulator binary of this test file's own on a free port with the manual clock and
 * `args`, and resolves to its URL; it stops when the test process exits.
 */
export function startEmulator(args = []) {
  const bin =
    process.env.DYNAMODB_EMULATOR_BIN ??
    path.join(process.env.CARGO_TARGET_DIR ?? path.join(repo, "target"), "release", "dynamodb-emulator");
  const child = spawn(bin, ["--port", "0", "--manual-clock", ...args], { stdio: ["ignore", "pipe", "ignore"] });
  child.unref();
  process.on("exit", () => child.kill());
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("error", (e) => reject(new Error(`cannot start ${bin}: ${e.message}`)));
    child.on("exit", (code) => reject(new Error(`${bin} exited with ${code} before it was ready`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/^listening on (\S+)$/m);
      if (m) {
        child.stdout.unref?.();
        child.stdout.destroy();
        resolve(m[1]);
      }
    });
  });
}

/** The SDK configuration apps would use: endpoint, region, static credentials. */
export async function sdkConfig() {
  return { endpoint: await emulatorUrl(), region, credentials };
}

export async function client() {
  return new DynamoDBClient(await sdkConfig());
}

/** A table name no other test uses. */
export function tableName(prefix) {
  return `${prefix}-${randomUUID()}`;
}

async function control(method, route, body, url) {
  const res = await fetch(`${url ?? (await emulatorUrl())}/_emulator/${route}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /_emulator/${route}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** The clock of the emulator (or the one at `url`), epoch milliseconds. */
export async function nowMillis(url) {
  return (await control("GET", "clock", undefined, url)).now_millis;
}

/** Moves the manual clock of the emulator (or the one at `url`) forward by `seconds`. */
export async function advance(seconds, url) {
  return (await control("POST", "clock/advance", { seconds }, url)).now_millis;
}

/** Moves the emulator's manual clock forward to `epochSeconds` (which must not be in its past). */
export async function advanceTo(epochSeconds) {
  const millis = epochSeconds * 1000 - (await nowMillis());
  if (millis < 0) throw new Error(`the emulator's clock is already past ${epochSeconds}`);
  return (await control("POST", "clock/advance", { millis })).now_millis;
}

/** Deletes every expired item now; returns how many. */
export async function sweep() {
  return (await control("POST", "ttl/sweep")).deleted;
}

/** Sets the emulator's chaos plan (README, "Chaos"); resolves to its seed. */
export async function setChaos(plan) {
  return (await control("PUT", "chaos", plan)).seed;
}

/** How many requests each rule of the chaos plan matched and fired on so far. */
export async function chaosCounts() {
  return (await control("GET", "chaos")).rules;
}

/** Clears the chaos plan. */
export async function clearChaos() {
  await control("DELETE", "chaos");
}
