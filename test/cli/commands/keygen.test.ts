import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nacl from "tweetnacl";
import { StrKey } from "@stellar/stellar-base";
import { solkit } from "../helpers";

describe("solkit keygen", () => {
  it("--json prints a matching G…/S… pair that stellar-base accepts", () => {
    const r = solkit(["keygen", "--json"]);
    expect(r.status).toBe(0);
    const pair = JSON.parse(r.stdout);
    expect(StrKey.isValidEd25519PublicKey(pair.public)).toBe(true);
    expect(StrKey.isValidEd25519SecretSeed(pair.secret)).toBe(true);
    const seed = StrKey.decodeEd25519SecretSeed(pair.secret);
    const derived = nacl.sign.keyPair.fromSeed(new Uint8Array(seed)).publicKey;
    expect(StrKey.encodeEd25519PublicKey(Buffer.from(derived))).toBe(pair.public);
  });

  it("makes a different key every time", () => {
    const a = JSON.parse(solkit(["keygen", "--json"]).stdout);
    const b = JSON.parse(solkit(["keygen", "--json"]).stdout);
    expect(a.public).not.toBe(b.public);
  });

  it("--out writes an owner-only file, keeps the secret off the terminal, never overwrites", () => {
    const file = join(mkdtempSync(join(tmpdir(), "solkit-keygen-")), "device.key");
    const r = solkit(["keygen", "--out", file]);
    expect(r.status).toBe(0);
    const pair = JSON.parse(readFileSync(file, "utf8"));
    expect(r.stdout).toContain(pair.public);
    expect(r.stdout).not.toContain(pair.secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = solkit(["keygen", "--out", file]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/exists already/);
    expect(JSON.parse(readFileSync(file, "utf8")).secret).toBe(pair.secret);
  });
});

describe("solkit (global)", () => {
  it("--help shows commands and examples; unknown command exits 2", () => {
    const help = solkit(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/keygen/);
    expect(help.stdout).toMatch(/verify/);
    expect(help.stdout).toMatch(/Examples:/);
    expect(solkit(["no-such-command"]).status).toBe(2);
  });
});
