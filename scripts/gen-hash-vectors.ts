/**
 * Writes shared/test/vectors/sha256.json, sha512.json and hmac-sha256.json.
 *
 * Inputs are the published examples (NIST FIPS 180-4 example set, RFC 4231 section 4); the
 * digests are computed with node:crypto and, for the published cases, checked against the
 * values printed in those documents before anything is written. Extra cases at block
 * boundaries (55/56/63/64 bytes for SHA-256, 111/112/127/128 for SHA-512) exercise the padding
 * paths that the published examples miss.
 *
 * Run: npx tsx scripts/gen-hash-vectors.ts
 */
import { createHash, createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const outDir = fileURLToPath(new URL("../shared/test/vectors/", import.meta.url));

const hex = (b: Uint8Array | Buffer): string => Buffer.from(b).toString("hex");
const ascii = (s: string): Buffer => Buffer.from(s, "ascii");
const fill = (byte: number, n: number): Buffer => Buffer.alloc(n, byte);
/** Deterministic bytes 0, 1, 2, ... (mod 256) so boundary cases are reproducible. */
const counting = (n: number): Buffer => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 3) & 0xff;
  return b;
};

function check(name: string, got: string, want: string): void {
  if (got !== want) throw new Error(`${name}: node:crypto gives ${got}, the publication says ${want}`);
}

const MSG448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const MSG896 =
  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

// Published digests (FIPS 180-4 examples, csrc.nist.gov "Examples with intermediate values").
const PUBLISHED: Record<string, Record<string, string>> = {
  sha256: {
    abc: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    empty: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "448-bit": "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    "896-bit": "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
  },
  sha512: {
    abc:
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    empty:
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
    "448-bit":
      "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
    "896-bit":
      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
  },
};

function hashVectors(alg: "sha256" | "sha512", boundaries: number[]): object {
  const cases: object[] = [];
  const pub: Array<[string, Buffer]> = [
    ["abc", ascii("abc")],
    ["empty", Buffer.alloc(0)],
    ["448-bit", ascii(MSG448)],
    ["896-bit", ascii(MSG896)],
  ];
  for (const [name, input] of pub) {
    const digest = createHash(alg).update(input).digest("hex");
    check(`${alg} ${name}`, digest, PUBLISHED[alg][name]);
    cases.push({ name: `FIPS 180-4 example: ${name}`, input: hex(input), digest });
  }
  for (const n of boundaries) {
    const input = counting(n);
    cases.push({ name: `${n} bytes (block boundary)`, input: hex(input), digest: createHash(alg).update(input).digest("hex") });
  }
  return {
    kind: alg,
    source:
      "NIST FIPS 180-4 examples (csrc.nist.gov, 'Examples with intermediate values'); block-boundary inputs " +
      "(byte i = (7i+3) mod 256) hashed with node:crypto by scripts/gen-hash-vectors.ts. " +
      "The one-million-'a' example is tested in Node only (too slow for an interpreter).",
    cases,
  };
}

// RFC 4231 section 4: test cases 1-7 with their published HMAC-SHA-256 values.
const RFC4231: Array<{ key: Buffer; data: Buffer; mac: string; truncate?: number }> = [
  { key: fill(0x0b, 20), data: ascii("Hi There"), mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
  { key: ascii("Jefe"), data: ascii("what do ya want for nothing?"), mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
  { key: fill(0xaa, 20), data: fill(0xdd, 50), mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
  {
    key: Buffer.from("0102030405060708090a0b0c0d0e0f10111213141516171819", "hex"),
    data: fill(0xcd, 50),
    mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
  },
  { key: fill(0x0c, 20), data: ascii("Test With Truncation"), mac: "a3b6167473100ee06e0c796c2955552b", truncate: 16 },
  {
    key: fill(0xaa, 131),
    data: ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
    mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  },
  {
    key: fill(0xaa, 131),
    data: ascii(
      "This is a test using a larger than block-size key and a larger than block-size data. " +
        "The key needs to be hashed before being used by the HMAC algorithm.",
    ),
    mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
  },
];

function hmacVectors(): object {
  const cases = RFC4231.map((c, i) => {
    let mac = createHmac("sha256", c.key).update(c.data).digest("hex");
    if (c.truncate !== undefined) mac = mac.slice(0, 2 * c.truncate);
    check(`RFC 4231 case ${i + 1}`, mac, c.mac);
    const out: Record<string, string | number> = { name: `RFC 4231 test case ${i + 1}`, key: hex(c.key), data: hex(c.data), mac };
    if (c.truncate !== undefined) out.truncate = c.truncate;
    return out;
  });
  // A key of exactly one block (64 bytes) is used as is; 65 bytes is hashed first (RFC 2104 section 3).
  for (const n of [64, 65]) {
    const key = counting(n);
    const data = ascii("block-size key edge");
    cases.push({ name: `${n}-byte key`, key: hex(key), data: hex(data), mac: createHmac("sha256", key).update(data).digest("hex") });
  }
  return {
    kind: "hmac-sha256",
    source:
      "RFC 4231 section 4, test cases 1-7 (case 5: 'truncate' = bytes of the MAC kept, 'mac' is the truncated value); " +
      "64/65-byte key cases computed with node:crypto by scripts/gen-hash-vectors.ts",
    cases,
  };
}

function write(name: string, obj: object): void {
  writeFileSync(outDir + name, JSON.stringify(obj, null, 2) + "\n");
  console.log(`wrote shared/test/vectors/${name}`);
}

write("sha256.json", hashVectors("sha256", [55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]));
write("sha512.json", hashVectors("sha512", [111, 112, 113, 127, 128, 129, 239, 240, 256, 1000]));
write("hmac-sha256.json", hmacVectors());
