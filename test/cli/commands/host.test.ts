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
