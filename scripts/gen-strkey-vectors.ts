/**
 * Writes shared/test/vectors/strkey.json: Ed25519 keys and their StrKey strings as
 * @stellar/stellar-base encodes them (the reference implementation of SEP-23), plus strings
 * that must be rejected. Each rejected string is checked to be rejected by stellar-base too,
 * so the file never asks us to be stricter or looser than Stellar itself.
 *
 * Case fields: "type" is "public" (G…) or "seed" (S…); "raw" is the 32-byte key in hex;
 * "strkey" the text; rejected cases have no "raw" and carry "error": "E_STRKEY".
 *
 * Run: npx tsx scripts/gen-strkey-vectors.ts
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { StrKey } from "@stellar/stellar-base";

const out = fileURLToPath(new URL("../shared/test/vectors/strkey.json", import.meta.url));

type Case = { name: string; type: "public" | "seed"; strkey: string; raw?: string; error?: string };
const cases: Case[] = [];

/** Deterministic "random" 32-byte keys, so rerunning the script gives the same file. */
const key = (label: string): Buffer => createHash("sha256").update(`solkit strkey vector ${label}`).digest();

const keys: Array<[string, Buffer]> = [
  ["all zero", Buffer.alloc(32, 0)],
  ["all 0xff", Buffer.alloc(32, 0xff)],
  ["counting 0..31", Buffer.from(Array.from({ length: 32 }, (_, i) => i))],
  ["pseudo-random 1", key("1")],
  ["pseudo-random 2", key("2")],
  ["pseudo-random 3", key("3")],
];
for (const [label, raw] of keys) {
  cases.push({ name: `public key, ${label}`, type: "public", raw: raw.toString("hex"), strkey: StrKey.encodeEd25519PublicKey(raw) });
  cases.push({ name: `secret seed, ${label}`, type: "seed", raw: raw.toString("hex"), strkey: StrKey.encodeEd25519SecretSeed(raw) });
}

const g = StrKey.encodeEd25519PublicKey(key("1"));
const s = StrKey.encodeEd25519SecretSeed(key("1"));
/** Replaces the character at `i` with another one of the alphabet (keeps length and charset). */
const flip = (t: string, i: number): string => t.slice(0, i) + (t[i] === "A" ? "B" : "A") + t.slice(i + 1);

/** Lower-cases the first letter (some positions hold digits, which have no lower case). */
const lowerOne = (t: string): string => {
  const i = t.search(/[A-Z]/);
  return t.slice(0, i) + t[i].toLowerCase() + t.slice(i + 1);
};

const rejects: Array<[string, "public" | "seed", string]> = [
  ["secret seed where a public key is expected", "public", s],
  ["public key where a secret seed is expected", "seed", g],
  ["pre-auth tx hash (T...) with a valid checksum where a public key is expected", "public", StrKey.encodePreAuthTx(key("1"))],
  ["SHA-256 signer (X...) with a valid checksum where a secret seed is expected", "seed", StrKey.encodeSha256Hash(key("1"))],
  ["one character changed in the payload (checksum)", "public", flip(g, 20)],
  ["one character changed in the checksum", "public", flip(g, 55)],
  ["one character changed in the payload of a seed (checksum)", "seed", flip(s, 30)],
  ["two adjacent characters swapped", "public", g.slice(0, 10) + g[11] + g[10] + g.slice(12)],
  ["lower case", "public", g.toLowerCase()],
  ["one lower-case character", "public", lowerOne(g)],
  ["55 characters", "public", g.slice(0, 55)],
  ["57 characters", "public", g + "A"],
  ["empty string", "public", ""],
  ["padding character", "public", g.slice(0, 55) + "="],
  ["digit 1 (not in the base32 alphabet)", "public", g.slice(0, 30) + "1" + g.slice(31)],
  ["digit 0 (not in the base32 alphabet)", "seed", s.slice(0, 40) + "0" + s.slice(41)],
  ["digit 8 (not in the base32 alphabet)", "public", g.slice(0, 3) + "8" + g.slice(4)],
  ["space at the end", "public", g.slice(0, 55) + " "],
  ["muxed account (M..., 69 characters)", "public", StrKey.encodeMed25519PublicKey(Buffer.concat([key("1"), Buffer.alloc(8, 1)]))],
];
for (const [name, type, strkey] of rejects) {
  const stellarRejects = type === "public" ? !StrKey.isValidEd25519PublicKey(strkey) : !StrKey.isValidEd25519SecretSeed(strkey);
  if (!stellarRejects) throw new Error(`stellar-base accepts the case meant to be rejected: ${name}`);
  if (strkey.includes("\u0000")) throw new Error("vector strings must be ASCII text");
  cases.push({ name: `rejects ${name}`, type, strkey, error: "E_STRKEY" });
}

const file = {
  kind: "strkey",
  source:
    "Stellar SEP-23; strings encoded with @stellar/stellar-base StrKey (encodeEd25519PublicKey/SecretSeed) " +
    "by scripts/gen-strkey-vectors.ts; every rejected string is also rejected by stellar-base",
  cases,
};
writeFileSync(out, JSON.stringify(file, null, 2) + "\n");
console.log(`wrote shared/test/vectors/strkey.json (${cases.length} cases)`);
