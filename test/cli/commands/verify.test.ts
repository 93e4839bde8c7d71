import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { solkit } from "../helpers";
import { virtualMeter } from "../../../host/demo/virtual-meter";
import { LINE_PREFIX, decodeFrameBody, encodeFrame, encodeUplinkLine } from "../../../shared/protocol/frame";
import { readingPayloadJson } from "../../../shared/protocol/payload";
import { encodeToken, TOKEN_ADD_CREDIT } from "../../../shared/protocol/token";
import { publicKeyFromSeed } from "../../../shared/crypto/ed25519";
import { encodePublicKey } from "../../../shared/crypto/strkey";

const seed = new Uint8Array(32).fill(7);
const start = Date.UTC(2026, 5, 21, 9) / 1000;

/** Console lines of a virtual meter: log lines and @SK1: frame lines. */
function consoleLines(count: number, signEvery: number): string[] {
  return [...virtualMeter({ seed, peakWatts: 300, intervalS: 60, signEvery, startTime: start }, count)].map((l) => l.text);
}

function frameLines(lines: string[]): string[] {
  return lines.filter((l) => l.startsWith(LINE_PREFIX));
}

function tmpFile(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), "solkit-verify-")), "in.log");
  writeFileSync(f, text, "latin1");
  return f;
}

describe("solkit verify", () => {
  it("accepts a serial capture with log lines between frames: one ✓ per frame, exit 0", () => {
    const lines = consoleLines(20, 4);
    const r = solkit(["verify", tmpFile(["boot: solkit 0.1", ...lines, "> "].join("\r\n") + "\r\n")]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("✓"))).toHaveLength(20);
    expect(r.stderr).toMatch(/20 valid, 0 invalid, 0 unproven/);
  });

  it("accepts MQTT JSON payloads on stdin and prints JSON with --json", () => {
    const payloads = frameLines(consoleLines(6, 3)).map((l) => {
      const f = decodeFrameBody(l.slice(LINE_PREFIX.length));
      return readingPayloadJson(encodeFrame(f.message, f.signature));
    });
    const r = solkit(["verify", "--json"], payloads.join("\n") + "\n");
    expect(r.status).toBe(0);
    const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(out.map((o) => o.status)).toEqual(Array(6).fill("valid"));
    expect(out.map((o) => o.reading.seq)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("a capture with no frame at all proves nothing: exit 1 and says so", () => {
    for (const text of ["", "boot: solkit 0.1\r\n> \r\n"]) {
      const r = solkit(["verify", tmpFile(text)]);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: expect.stringContaining("no frames found") });
    }
  });

  it("--device: a capture made with another key does not pass (issue 11)", () => {
    const file = tmpFile(consoleLines(6, 3).join("\r\n") + "\r\n");
    const mine = publicKeyFromSeed(seed);
    const other = publicKeyFromSeed(new Uint8Array(32).fill(9));
    const ok = solkit(["verify", file, "--device", encodePublicKey(mine)]);
    expect(ok.status).toBe(0);
    const r = solkit(["verify", file, "--device", encodePublicKey(other)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`from ${encodePublicKey(mine)}, not a --device given`));
    expect(r.stdout).not.toMatch(/^✓/m);
    expect(solkit(["verify", file, "--device", "GNOPE"]).status).toBe(2);
  });

  it("rejects a rewritten reading (checksum fixed up by the forger), exit 1", () => {
    const lines = frameLines(consoleLines(8, 4));
    const f = decodeFrameBody(lines[5].slice(LINE_PREFIX.length));
    const bytes = encodeFrame(f.message, f.signature);
    bytes[64] ^= 1; // energyIn
    lines[5] = encodeUplinkLine(bytes).trimEnd();
    const r = solkit(["verify", "-"], lines.join("\n") + "\n");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/✗ line 6 .*E_BAD_SIGNATURE|✗ line [67] .*E_CHAIN_BROKEN/);
    expect(r.stdout).not.toMatch(/✓ line [678] /);
  });

  it("reports garbage with a reason and no stack trace, exit 1", () => {
    const garbage = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)).toString("latin1");
    const r = solkit(["verify", tmpFile(`${LINE_PREFIX}not-base64!*12ab\n${garbage}\n{"v":1,"reading":"AAAA"}\n`)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/E_/);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  it("calls readings after the last signature unproven, exit 1", () => {
    const lines = frameLines(consoleLines(6, 4)).slice(0, 5); // drop the final signed one
    const r = solkit(["verify"], lines.join("\n") + "\n");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/\? line 5 .*no signed reading followed/);
  });

  it("marks a re-sent frame, rejects another reading under an old seq and an edited payload", () => {
    const lines = frameLines(consoleLines(4, 2));
    const resent = solkit(["verify"], [...lines, lines[1]].join("\n") + "\n");
    expect(resent.status).toBe(0); // devices re-send until acked: the same bytes count once
    expect(resent.stdout).toMatch(/= line 5 .*re-sent/);
    const old = decodeFrameBody(lines[1].slice(LINE_PREFIX.length));
    const forged = encodeFrame(old.message);
    forged[64] ^= 1; // other energy, same seq 1
    const replay = solkit(["verify"], [...lines, encodeUplinkLine(forged).trimEnd()].join("\n") + "\n");
    expect(replay.status).toBe(1);
    expect(replay.stdout).toMatch(/✗ line 5 .*E_REPLAY/);
    const f = decodeFrameBody(lines[1].slice(LINE_PREFIX.length));
    const edited = readingPayloadJson(encodeFrame(f.message, f.signature)).replace('"seq":1,', '"seq":9,');
    const r = solkit(["verify"], edited + "\n");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/E_PAYLOAD/);
  });

  it("checks a credit token's MAC with --hmac-key, and says so without it", () => {
    const key = new Uint8Array(32).fill(9);
    const token = encodeToken({ tokenKind: TOKEN_ADD_CREDIT, deviceId: publicKeyFromSeed(seed), counter: 3, amount: 3600, config: [] }, key);
    const line = encodeUplinkLine(encodeFrame(token));
    const hex = Buffer.from(key).toString("hex");
    expect(solkit(["verify", "--hmac-key", hex], line).status).toBe(0);
    const wrong = solkit(["verify", "--hmac-key", "ab".repeat(32)], line);
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toMatch(/E_BAD_MAC/);
    const unchecked = solkit(["verify"], line);
    expect(unchecked.status).toBe(1);
    expect(unchecked.stdout).toMatch(/MAC not checked/);
  });

  it("exits 2 on bad usage: missing file, bad key", () => {
    expect(solkit(["verify", "/no/such/file"]).status).toBe(2);
    expect(solkit(["verify", "--hmac-key", "xyz"]).status).toBe(2);
  });
});

describe("solkit demo", () => {
  it("verifies every reading, and catches a tampered one", () => {
    const ok = solkit(["demo", "--chain", "--readings", "15", "--sign-every", "5"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout.split("\n").filter((l) => l.startsWith("host    ✓"))).toHaveLength(15);
    expect(ok.stderr).toMatch(/15 verified, 0 rejected, 0 unproven/);
    const bad = solkit(["demo", "--chain", "--readings", "15", "--sign-every", "5", "--tamper", "3", "--quiet"]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/✗/);
  });
});

describe("solkit verify: a forged unsigned line, then the genuine one", () => {
  it("the forgery is left unproven, the genuine readings verify (exit 1: not everything was proven)", () => {
    const lines = frameLines(consoleLines(8, 4)); // seq 0..7, signed at 3 and 7
    const f = decodeFrameBody(lines[5].slice(LINE_PREFIX.length));
    const forged = encodeFrame(f.message);
    forged[64] ^= 1; // seq 5 with other energy, same prev: it links, so it waits for a signature
    const input = [...lines.slice(0, 5), encodeUplinkLine(forged).trimEnd(), ...lines.slice(5)];
    const r = solkit(["verify", "--json"], input.join("\n") + "\n");
    const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const forgedVerdict = out.find((o) => o.line === 6);
    expect(forgedVerdict.status).toBe("unproven");
    expect(forgedVerdict.reason).toMatch(/contradicted/);
    expect(out.filter((o) => o.status === "valid").map((o) => o.reading.seq).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.status).toBe(1);
  });
});
