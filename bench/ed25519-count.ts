/**
 * Field multiplications per Ed25519 signature: ours (shared/crypto/ed25519) against
 * tweetnacl's, the proxy DESIGN.md sets for signing time on Espruino, where the interpreter's
 * cost is dominated by field arithmetic.
 *
 * tweetnacl's count is measured, not estimated: its nacl-fast.js source is loaded into a
 * fresh VM context with a counter added at the top of its field multiplication `M` (its
 * squaring `S` calls `M`, so squarings count too), and one `sign.detached` is run. By the
 * algorithm: 256 ladder bits × 2 additions × 9 multiplications = 4608, plus `pack`'s
 * inversion (254 squarings + 252 multiplications) and 2, plus 1 for the base point T = 5117; the public key is read
 * from the 64-byte secret key, so it costs nothing there.
 *
 * Wall time is printed too; for a figure closer to an interpreter's (Espruino has no JIT) run
 * it without V8's JIT: node --jitless --import tsx bench/ed25519-count.ts
 *
 * Run: npx tsx bench/ed25519-count.ts
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import nacl from "tweetnacl";
import { createSigner, fieldMulCount, resetFieldMulCount, startSigning } from "../shared/crypto/ed25519";
import { publicKeyFromSeed } from "../shared/crypto/ed25519/signer";

type Nacl = typeof nacl;

/** A private copy of tweetnacl whose field multiplication bumps `counter.n`. */
export function instrumentedTweetnacl(): { nacl: Nacl; counter: { n: number } } {
  const require = createRequire(import.meta.url);
  const path = require.resolve("tweetnacl/nacl-fast.js");
  const source = readFileSync(path, "utf8");
  const marker = "function M(o, a, b) {";
  if (source.indexOf(marker) < 0) throw new Error(`tweetnacl changed: "${marker}" not found in ${path}`);
  const patched = source.replace(marker, `${marker} __counter.n++;`);
  const counter = { n: 0 };
  const module = { exports: {} as Record<string, unknown> };
  vm.runInNewContext(patched, { module, require, __counter: counter, Uint8Array, Float64Array, Int32Array, Uint32Array });
  return { nacl: module.exports as unknown as Nacl, counter };
}

/** The counts that the report and the tests quote. */
export interface Ed25519Counts {
  /** tweetnacl sign.detached (public key already in the 64-byte secret key). */
  tweetnaclSign: number;
  /** tweetnacl sign.keyPair.fromSeed. */
  tweetnaclKeyPair: number;
  /** Our signature with the public key cached (createSigner, or options.publicKey). */
  oursSignCached: number;
  /** Our signature when the job derives the public key too. */
  oursSignWithKey: number;
  /** Our publicKeyFromSeed. */
  oursPublicKey: number;
  /** Steps of one cached-key signature at the default budget, and the largest step's multiplications. */
  steps: number;
  largestStep: number;
}

/** Measures every count in one go (about a second). */
export function measureCounts(): Ed25519Counts {
  const seed = new Uint8Array(32);
  for (let i = 0; i < 32; i++) seed[i] = (i * 29 + 3) & 0xff;
  const message = new Uint8Array(100);
  for (let i = 0; i < message.length; i++) message[i] = (i * 7) & 0xff;

  const t = instrumentedTweetnacl();
  t.counter.n = 0;
  const kp = t.nacl.sign.keyPair.fromSeed(seed);
  const tweetnaclKeyPair = t.counter.n;
  t.counter.n = 0;
  t.nacl.sign.detached(message, kp.secretKey);
  const tweetnaclSign = t.counter.n;

  resetFieldMulCount();
  publicKeyFromSeed(seed, nacl.hash);
  const oursPublicKey = fieldMulCount();

  const signer = createSigner(seed, nacl.hash);
  const job = signer.startSigning(message);
  resetFieldMulCount();
  let steps = 0;
  let largestStep = 0;
  let total = 0;
  for (;;) {
    const before = fieldMulCount();
    const done = job.step();
    largestStep = Math.max(largestStep, fieldMulCount() - before);
    steps++;
    if (done) break;
  }
  total = fieldMulCount();

  resetFieldMulCount();
  const withKey = startSigning(seed, message, { sha512: nacl.hash, budget: Infinity });
  while (!withKey.step()) {
    // one step
  }
  const oursSignWithKey = fieldMulCount();
  return { tweetnaclSign, tweetnaclKeyPair, oursSignCached: total, oursSignWithKey, oursPublicKey, steps, largestStep };
}

/** Milliseconds per signature (key cached) for tweetnacl and ours, in this process. */
export function measureTimes(rounds: number): { tweetnaclMs: number; oursMs: number } {
  const seed = new Uint8Array(32).fill(9);
  const message = new Uint8Array(120);
  const secretKey = nacl.sign.keyPair.fromSeed(seed).secretKey;
  const signer = createSigner(seed);
  const time = (f: () => void): number => {
    for (let i = 0; i < 3; i++) f();
    const start = performance.now();
    for (let i = 0; i < rounds; i++) f();
    return (performance.now() - start) / rounds;
  };
  return { tweetnaclMs: time(() => nacl.sign.detached(message, secretKey)), oursMs: time(() => signer.sign(message)) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const c = measureCounts();
  const ratio = (x: number): string => `${(c.tweetnaclSign / x).toFixed(2)}x fewer`;
  console.log(`field multiplications per Ed25519 operation (${fileURLToPath(import.meta.url)})`);
  console.log(`  tweetnacl sign.detached            ${c.tweetnaclSign}`);
  console.log(`  tweetnacl keyPair.fromSeed         ${c.tweetnaclKeyPair}`);
  console.log(`  ours, sign (public key cached)     ${c.oursSignCached}  (${ratio(c.oursSignCached)})`);
  console.log(`  ours, sign (deriving the key too)  ${c.oursSignWithKey}  (${ratio(c.oursSignWithKey)})`);
  console.log(`  ours, publicKeyFromSeed            ${c.oursPublicKey}`);
  console.log(`  steps at the default budget        ${c.steps}, largest step ${c.largestStep} multiplications`);
  const t = measureTimes(30);
  console.log(`time per signature: tweetnacl ${t.tweetnaclMs.toFixed(2)} ms, ours ${t.oursMs.toFixed(2)} ms (${(t.tweetnaclMs / t.oursMs).toFixed(1)}x)`);
}
