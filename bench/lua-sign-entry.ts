/**
 * Not part of any firmware: bench/nodemcu-target.ts compiles this with typescript-to-lua and
 * runs it in lua5.3 — the device's signer (shared/crypto/ed25519) signing one reading-sized
 * message, timed by Lua's os.clock(). Prints "<signatures> <seconds>".
 */
import { createSigner } from "../shared/crypto/ed25519";

declare const os: { clock(this: void): number };
declare function print(this: void, text: string): void;

const seed = new Uint8Array(32);
for (let i = 0; i < 32; i++) seed[i] = 7;
const msg = new Uint8Array(138);
for (let i = 0; i < 138; i++) msg[i] = 1;
const signer = createSigner(seed);
signer.sign(msg); // warm-up
const n = 5;
const t0 = os.clock();
for (let i = 0; i < n; i++) signer.sign(msg);
print(`${n} ${os.clock() - t0}`);
