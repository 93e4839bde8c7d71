/**
 * Writes the protocol golden vectors shared/test/vectors/{reading,ack,token,frame,chain}.json.
 *
 * Deterministic (keys derived from fixed labels; Ed25519 signatures are deterministic,
 * RFC 8032 section 5.1.6), so a rerun must reproduce the committed files byte for byte.
 * The bytes come from scripts/protocol-vectors/reference.ts (Buffer, node:crypto, tweetnacl),
 * never from shared/protocol, which the vectors test.
 *
 * Run: npx tsx scripts/gen-protocol-vectors.ts
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ackCases, frameCases, tokenCases } from "./protocol-vectors/ack-token-frame";
import { chainCases, readingCases } from "./protocol-vectors/reading-chain";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "shared", "test", "vectors");
const source = "scripts/gen-protocol-vectors.ts: reference encoders from PROTOCOL.md (Node Buffer, node:crypto HMAC/SHA-256, tweetnacl Ed25519), fixed seeds";

const files: [string, object[]][] = [
  ["reading", readingCases()],
  ["ack", ackCases()],
  ["token", tokenCases()],
  ["frame", frameCases()],
  ["chain", chainCases()],
];
for (const [kind, cases] of files) {
  const text = JSON.stringify({ kind, source, cases }, null, 1);
  if (text.includes("null")) throw new Error(`${kind}: vectors must not contain null`);
  writeFileSync(join(out, `${kind}.json`), `${text}\n`);
  console.log(`${kind}.json: ${cases.length} cases`);
}
