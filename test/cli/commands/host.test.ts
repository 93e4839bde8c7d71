import { describe, expect, it } from "vitest";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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

describe("solkit host tls", () => {
  it("makes the site's CA once and a broker certificate it signed for the given addresses; keys 0600 in a 0700 folder; the CA stays when run again", () => {
    const dir = tempDir();
    try {
      const out = join(dir, "tls");
      const first = solkit(["--json", "host", "tls", "--host", "192.168.1.10", "--host", "gw.farm-7.lan", "--out", out]);
      expect(first.status, first.stderr).toBe(0);
      const made = JSON.parse(first.stdout) as { ca: string; caKey: string; cert: string; key: string; newCa: boolean };
      expect(made.newCa).toBe(true);
      const ca = new X509Certificate(readFileSync(made.ca));
      const cert = new X509Certificate(readFileSync(made.cert));
      expect(ca.ca).toBe(true);
      expect(cert.ca).toBe(false);
      expect(cert.checkIssued(ca)).toBe(true);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.subjectAltName).toBe("IP Address:192.168.1.10, DNS:gw.farm-7.lan");
      expect(cert.checkIP("192.168.1.10")).toBe("192.168.1.10");
      expect(cert.checkHost("gw.farm-7.lan")).toBe("gw.farm-7.lan");
      expect(statSync(made.caKey).mode & 0o777).toBe(0o600);
      expect(statSync(made.key).mode & 0o777).toBe(0o600);
      expect(statSync(out).mode & 0o777).toBe(0o700);
      expect(createPrivateKey(readFileSync(made.key)).asymmetricKeyDetails?.namedCurve).toBe("prime256v1");

      // A new address later: the same CA signs it, so devices provisioned with ca.pem keep trusting the broker.
      const again = solkit(["host", "tls", "--host", "10.0.0.7", "--out", out]);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/CA \(kept\)/);
      expect(again.stdout).toContain(`"tls": {"cert": "${made.cert}", "key": "${made.key}"}`);
      expect(new X509Certificate(readFileSync(made.ca)).fingerprint256).toBe(ca.fingerprint256);
      const renewed = new X509Certificate(readFileSync(made.cert));
      expect(renewed.checkIssued(ca)).toBe(true);
      expect(renewed.subjectAltName).toBe("IP Address:10.0.0.7");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a bad address or lifetime is one line and exit 2; --help shows examples", () => {
    const dir = tempDir();
    try {
      const bad = solkit(["host", "tls", "--host", "bad host!", "--out", join(dir, "t")]);
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      expect(bad.stderr).toMatch(/--host "bad host!": expected the broker's IP address or DNS name/);
      const days = solkit(["host", "tls", "--host", "10.0.0.1", "--days", "0", "--out", join(dir, "t")]);
      expect(days.status).toBe(2);
      expect(days.stderr).toMatch(/--days: expected 1\.\.3650/);
      const help = solkit(["host", "tls", "--help"]);
      expect(help.stdout).toMatch(/\$ solkit host tls --host 192\.168\.1\.10/);
      expect(help.stdout).toMatch(/--broker-ca/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
