// The pure side of the deploy history: revisions from applied objects, dedup, limits, rollback choice.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { appendRevision, HISTORY_LIMIT, parseHistory, rollbackTarget, secretDataHash, type Revision } from "./history.ts";
import type { KubeObject } from "./types.ts";

function objects(image: string, config = "v1", secret = "s3cr3t"): KubeObject[] {
  return [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "users-config", namespace: "shop" }, data: { GREETING: config } },
    { apiVersion: "v1", kind: "Secret", metadata: { name: "users-secrets", namespace: "shop" }, data: { TOKEN: Buffer.from(secret).toString("base64") } },
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "users", namespace: "shop" }, spec: { template: { spec: { containers: [{ name: "users", image }] } } } },
  ];
}

function deploy(history: Revision[], image: string, outcome: "ready" | "failed" = "ready", trigger = ["dev up"], config = "v1"): Revision[] {
  return appendRevision(history, { objects: objects(image, config), trigger, outcome, at: new Date(Date.UTC(2026, 0, 1, 0, history.length)), hashKey: KEY }).history;
}

const KEY = "a".repeat(64);

describe("deploy history", () => {
  it("keys the secret hash: another key gives another hash, no key keeps none", () => {
    const secret = { data: { TOKEN: Buffer.from("s3cr3t").toString("base64") } };
    const mine = secretDataHash(secret, KEY);
    expect(mine).toMatch(/^[0-9a-f]{16}$/);
    expect(secretDataHash(secret, "b".repeat(64))).not.toBe(mine);
    expect(secretDataHash({ data: { TOKEN: Buffer.from("other").toString("base64") } }, KEY)).not.toBe(mine);
    // The plain hash a guesser would compute from a candidate value must not match.
    const plain = createHash("sha256").update(`TOKEN\0${secret.data.TOKEN}\0`).digest("hex").slice(0, 16);
    expect(mine).not.toBe(plain);
    expect(secretDataHash(secret, undefined)).toBeUndefined();
    const [r] = appendRevision([], { objects: objects("shop-users:a"), trigger: ["dev up"], outcome: "ready", at: new Date(0) }).history;
    expect(r!.secretHash).toBeUndefined();
  });

  it("keeps the image, hashes and the objects but never a secret value", () => {
    const [r] = deploy([], "shop-users:a");
    expect(r).toMatchObject({ revision: 1, image: "shop-users:a", outcome: "ready", trigger: ["dev up"], at: "2026-01-01T00:00:00.000Z" });
    expect(r!.objects.map((o) => o.kind)).toEqual(["ConfigMap", "Deployment"]);
    expect(r!.configHash).toMatch(/^[0-9a-f]{16}$/);
    expect(r!.secretHash).toMatch(/^[0-9a-f]{16}$/);
    expect(r!.secretHash).toBe(secretDataHash({ stringData: { TOKEN: "s3cr3t" } }, KEY));
    const text = JSON.stringify(r);
    expect(text).not.toContain("s3cr3t");
    expect(text).not.toContain(Buffer.from("s3cr3t").toString("base64"));
  });

  it("a deploy of the same objects updates the newest revision; a different one adds a revision", () => {
    let h = deploy([], "shop-users:a");
    h = deploy(h, "shop-users:a", "ready", ["services/users/src/a.js"]);
    expect(h.map((r) => [r.revision, r.trigger])).toEqual([[1, ["services/users/src/a.js"]]]);
    h = deploy(h, "shop-users:b");
    h = deploy(h, "shop-users:b", "ready", ["dev up"], "v2");
    expect(h.map((r) => r.revision)).toEqual([1, 2, 3]);
  });

  it(`keeps the last ${HISTORY_LIMIT} revisions and survives a round trip through ConfigMap data`, () => {
    let h: Revision[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 3; i++) h = deploy(h, `shop-users:${i}`);
    expect(h.map((r) => r.revision)).toEqual(Array.from({ length: HISTORY_LIMIT }, (_, i) => i + 4));
    const data = Object.fromEntries(h.map((r) => [`revision-${r.revision}`, JSON.stringify(r)]));
    expect(parseHistory({ ...data, "revision-x": "{not json" })).toEqual(h);
  });

  it("rolls back to the newest ready revision before the current one, skipping failed and identical ones", () => {
    let h = deploy([], "shop-users:a");
    h = deploy(h, "shop-users:b");
    h = deploy(h, "shop-users:c", "failed");
    expect(rollbackTarget(h, "users").target.image).toBe("shop-users:b");
    h = deploy(h, "shop-users:a");
    h = deploy(h, "shop-users:b");
    // a, b, c(failed), a, b: the current b is skipped wherever it appears; a is next.
    expect(rollbackTarget(h, "users").target.revision).toBe(4);
    expect(rollbackTarget(h, "users", 1).target.image).toBe("shop-users:a");
  });

  it("refuses clearly when there is nothing to roll back to", () => {
    expect(() => rollbackTarget([], "users")).toThrow("nothing to roll back to: devup has no deploy history of users here");
    const one = deploy([], "shop-users:a");
    expect(() => rollbackTarget(one, "users")).toThrow("nothing to roll back to: users has no ready revision before revision 1");
    expect(() => rollbackTarget(one, "users", 1)).toThrow("revision 1 is the current revision of users");
    expect(() => rollbackTarget(one, "users", 7)).toThrow("users has no revision 7; it has 1");
    const failedFirst = deploy(deploy([], "shop-users:a", "failed"), "shop-users:b");
    expect(() => rollbackTarget(failedFirst, "users")).toThrow("no ready revision before revision 2");
  });
});
