import { describe, expect, it } from "vitest";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { solkit } from "../helpers";
import { tempDir } from "../../host/gateway/helpers";

describe("solkit host", () => {
  it("adds a device and lists it, never printing the HMAC key", () => {
    const dir = tempDir();
    try {
      const key = "ab".repeat(32);
      writeFileSync(join(dir, "k.hex"), key + "\n");
      writeFileSync(join(dir, "gw.json"), JSON.stringify({ database: "gw.db" }));
      const id = JSON.parse(solkit(["keygen", "--json"]).stdout).public;
      const cfg = join(dir, "gw.json");
      const add = solkit(["host", "add-device", id, "--hmac-key-file", join(dir, "k.hex"), "--board", "esp32", "--config", cfg]);
      expect(add.status).toBe(0);
      expect(add.stdout).toContain(`added ${id}`);
      const list = solkit(["host", "devices", "--config", cfg]);
      expect(list.stdout).toMatch(new RegExp(`${id}\\s+esp32\\s+never\\s+-1`));
      const json = solkit(["--json", "host", "devices", "--config", cfg]);
      expect(JSON.parse(json.stdout)).toMatchObject({ id, board: "esp32", lastSeq: -1, verified: 0 });
      for (const out of [add, list, json]) expect(out.stdout + out.stderr).not.toContain(key);
      const bad = solkit(["host", "add-device", id, "--hmac-key", "abcd", "--config", cfg]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/64 hex characters/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses an invalid config with every error and exit code 2", () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, "gw.json"), JSON.stringify({ site: "", health: { port: -1 } }));
      const r = solkit(["host", "--config", join(dir, "gw.json")]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("$.site");
      expect(r.stderr).toContain("$.health.port");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("solkit host devices: credit left", () => {
  it("shows the credit of the newest verified reading less the time since it came", async () => {
    const dir = tempDir();
    try {
      const cfg = join(dir, "host.json");
      writeFileSync(cfg, JSON.stringify({ database: "gw.db" }));
      const { openStore, ReadingStore } = await import("../../../host/gateway/store-sqlite");
      const { Registry } = await import("../../../host/gateway/registry");
      const { decodeFrame } = await import("../../../shared/protocol/frame");
      const { readingHash } = await import("../../../shared/protocol/reading");
      const { TestDevice } = await import("../../host/gateway/helpers");
      const dev = new TestDevice();
      const db = openStore(join(dir, "gw.db"));
      new Registry(db).add({ id: dev.id, hmacKey: dev.hmacKey });
      const f = decodeFrame(dev.next()); // reports 86,400 s of credit
      new ReadingStore(db).add({ device: dev.id, seq: 0, bytes: f.message, sig: f.signature, hash: readingHash(f.message), bySeq: 0, receivedAt: Date.now() - 3_570_000 }); // 59.5 min ago: 82,830 s left
      db.close();
      const list = solkit(["host", "devices", "--config", cfg]);
      expect(list.stdout, list.stdout).toMatch(/credit/);
      expect(list.stdout, list.stdout).toMatch(new RegExp(`${dev.id}.*\\s23h 0m\\s`));
      const json = JSON.parse(solkit(["--json", "host", "devices", "--config", cfg]).stdout) as { credit: number };
      expect(Math.abs(json.credit - 82_830)).toBeLessThanOrEqual(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
