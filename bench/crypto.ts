/**
 * Signing and verifying throughput. Baselines: tweetnacl for signing (what a JavaScript board
 * would otherwise run), node:crypto for verifying (what the host uses).
 */
import { createHash, generateKeyPairSync, sign as nodeSign } from "node:crypto";
import nacl from "tweetnacl";
import { opsPerSecond, type Row } from "./harness";
import { measureCounts } from "./ed25519-count";
import { createSigner } from "../shared/crypto/ed25519";
import { sha512 } from "../shared/crypto/sha512";
import { sha256 } from "../shared/crypto/sha256";
import { nodeVerifier } from "../host/crypto/node-verifier";
import { tweetnaclVerifier } from "../host/crypto/tweetnacl-signer";

export function cryptoRows(): Row[] {
  const seed = new Uint8Array(32).fill(5);
  const msg = new Uint8Array(138).fill(1); // domain prefix + one reading
  const kp = nacl.sign.keyPair.fromSeed(seed);
  const sig = nacl.sign.detached(msg, kp.secretKey);
  const ours = createSigner(seed);
  const oursNacl = createSigner(seed, nacl.hash);
  const { privateKey } = generateKeyPairSync("ed25519");

  const section = "ed25519";
  const naclSign = opsPerSecond(() => nacl.sign.detached(msg, kp.secretKey));
  const rows: Row[] = [
    { section, name: "sign: tweetnacl (baseline)", value: naclSign, unit: "sig/s", ratio: 1 },
    { section, name: "sign: node:crypto", value: 0, unit: "sig/s" },
    { section, name: "sign: portable incremental signer", value: 0, unit: "sig/s" },
    { section, name: "sign: incremental, tweetnacl SHA-512", value: 0, unit: "sig/s" },
  ];
  rows[1].value = opsPerSecond(() => nodeSign(null, msg, privateKey));
  rows[2].value = opsPerSecond(() => ours.sign(msg));
  rows[3].value = opsPerSecond(() => oursNacl.sign(msg));
  for (const r of rows) r.ratio = r.value / naclSign;

  const naclVerify = opsPerSecond(() => nacl.sign.detached.verify(msg, sig, kp.publicKey));
  rows.push({ section, name: "verify: tweetnacl (baseline)", value: naclVerify, unit: "verify/s", ratio: 1 });
  const nodeV = opsPerSecond(() => nodeVerifier.verify(msg, sig, kp.publicKey));
  rows.push({ section, name: "verify: node:crypto", value: nodeV, unit: "verify/s", ratio: nodeV / naclVerify });
  const wrapped = opsPerSecond(() => tweetnaclVerifier.verify(msg, sig, kp.publicKey));
  rows.push({ section, name: "verify: tweetnacl via Verifier", value: wrapped, unit: "verify/s", ratio: wrapped / naclVerify });

  const c = measureCounts();
  const mul = "field muls";
  rows.push({ section: mul, name: "per signature: tweetnacl (baseline)", value: c.tweetnaclSign, unit: "mul", ratio: 1 });
  rows.push({ section: mul, name: "per signature: ours, key cached", value: c.oursSignCached, unit: "mul", ratio: c.oursSignCached / c.tweetnaclSign });
  rows.push({ section: mul, name: "per signature: ours, deriving key", value: c.oursSignWithKey, unit: "mul", ratio: c.oursSignWithKey / c.tweetnaclSign });
  rows.push({ section: mul, name: "steps per signature (default budget)", value: c.steps, unit: "steps" });
  rows.push({ section: mul, name: "largest step", value: c.largestStep, unit: "mul", ratio: c.largestStep / c.tweetnaclSign, note: "share of one tweetnacl signature" });

  const block = new Uint8Array(1024).fill(3);
  const nodeSha = opsPerSecond(() => createHash("sha256").update(block).digest());
  const portable = opsPerSecond(() => sha256(block));
  rows.push({ section: "hash", name: "SHA-256 1 KiB: node:crypto (baseline)", value: nodeSha, unit: "op/s", ratio: 1 });
  rows.push({ section: "hash", name: "SHA-256 1 KiB: portable", value: portable, unit: "op/s", ratio: portable / nodeSha });
  const nodeSha512 = opsPerSecond(() => createHash("sha512").update(block).digest());
  const portable512 = opsPerSecond(() => sha512(block));
  rows.push({ section: "hash", name: "SHA-512 1 KiB: node:crypto (baseline)", value: nodeSha512, unit: "op/s", ratio: 1 });
  rows.push({ section: "hash", name: "SHA-512 1 KiB: portable", value: portable512, unit: "op/s", ratio: portable512 / nodeSha512 });
  return rows;
}
