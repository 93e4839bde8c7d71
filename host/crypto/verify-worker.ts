/**
 * Ed25519 verification on a worker thread, so the gateway's event loop commits, acks and
 * publishes one batch while the next batch's signatures are checked on the other core
 * (issue 15: verification was most of the event loop's time at 3,000 readings/s).
 *
 * The worker is plain JavaScript evaluated from a string (node:crypto only): nothing to
 * compile or resolve, the same under tsx, vitest and the installed CLI. A batch travels as
 * one transferred buffer — per item: key (32), signature (64), message length (2), message —
 * and comes back as one byte per item (1 good, 0 bad).
 *
 * `PrecheckedVerifier` is what the pipeline verifies through: it answers from the worker's
 * verdicts when the very same (message, signature, key) was checked, else verifies at once
 * (a relink verifies against another tip with the same bytes, so it still hits). A worker
 * that fails or exits makes every later batch verify on the event loop, as before.
 */
import { Worker } from "node:worker_threads";
import type { Verifier } from "../../shared/crypto/types";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createPublicKey, verify } = require("node:crypto");
const PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const keys = new Map();
function keyOf(pk) {
  const hex = pk.toString("hex");
  let k = keys.get(hex);
  if (k === undefined) {
    try { k = createPublicKey({ key: Buffer.concat([PREFIX, pk]), format: "der", type: "spki" }); } catch { k = null; }
    if (keys.size > 4096) keys.clear();
    keys.set(hex, k);
  }
  return k;
}
parentPort.on("message", (m) => {
  const b = Buffer.from(m.buf);
  const out = new Uint8Array(m.count);
  let at = 0;
  for (let i = 0; i < m.count; i++) {
    const pk = b.subarray(at, at + 32), sig = b.subarray(at + 32, at + 96);
    const len = b.readUInt16BE(at + 96);
    const msg = b.subarray(at + 98, at + 98 + len);
    at += 98 + len;
    const key = keyOf(pk);
    let ok = false;
    if (key) { try { ok = verify(null, msg, key, sig); } catch { ok = false; } }
    out[i] = ok ? 1 : 0;
  }
  parentPort.postMessage({ id: m.id, ok: out }, [out.buffer]);
});
`;

export interface VerifyItem {
  message: Uint8Array;
  signature: Uint8Array;
  publicKey: Uint8Array;
}

export class VerifyWorker {
  private readonly worker: Worker;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (ok: Uint8Array) => void; reject: (e: Error) => void }>();
  private failed: Error | undefined;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on("message", (m: { id: number; ok: Uint8Array }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      w?.resolve(m.ok);
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`verify worker exited (${code})`)));
  }

  /** One verdict per item (true: the signature verifies). Rejects when the worker is gone. */
  check(items: VerifyItem[]): Promise<Uint8Array> {
    if (this.failed) return Promise.reject(this.failed);
    let size = 0;
    for (const it of items) size += 98 + it.message.length;
    const buf = Buffer.alloc(size);
    let at = 0;
    for (const it of items) {
      buf.set(it.publicKey, at);
      buf.set(it.signature, at + 32);
      buf.writeUInt16BE(it.message.length, at + 96);
      buf.set(it.message, at + 98);
      at += 98 + it.message.length;
    }
    const id = this.next++;
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    return new Promise<Uint8Array>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, count: items.length, buf: ab }, [ab]);
    });
  }

  async close(): Promise<void> {
    this.failed ??= new Error("verify worker closed");
    await this.worker.terminate();
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** A Verifier that uses verdicts computed ahead (by the worker) for exactly the same bytes. */
export class PrecheckedVerifier implements Verifier {
  private readonly known = new Map<string, { item: VerifyItem; ok: boolean }>();
  /** Verdicts used / verified here because none was known (for metrics and tests). */
  readonly stats = { hits: 0, misses: 0 };

  constructor(private readonly fallback: Verifier) {}

  remember(items: VerifyItem[], ok: Uint8Array): void {
    items.forEach((item, i) => this.known.set(Buffer.from(item.signature).toString("latin1"), { item, ok: ok[i] === 1 }));
  }

  forget(): void {
    this.known.clear();
  }

  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
    const k = this.known.get(Buffer.from(signature).toString("latin1"));
    if (k && same(k.item.message, message) && same(k.item.publicKey, publicKey) && same(k.item.signature, signature)) {
      this.stats.hits++;
      return k.ok;
    }
    this.stats.misses++;
    return this.fallback.verify(message, signature, publicKey);
  }
}
