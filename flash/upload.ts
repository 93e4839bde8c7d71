/**
 * Uploading a bundle into an Espruino board's Storage: stop the running program, define the
 * helpers, send the file, then read back a hash of the whole file and compare.
 *
 * Two ways to send it. Where the interpreter has binary packets (2v25+), the file goes as raw
 * bytes, heatshrink-compressed where the board has it (upload-by-packets.ts): about 1.6× the
 * base64 text's speed on the same wire. Otherwise — or when a packet upload fails or its hash
 * differs — as measured base64 chunks over the REPL (upload-protocol.ts), one at a time, each
 * acknowledged or refused by the board's own check, refused ones sent again, smaller.
 *
 * Only `.bootcde` (and `.varimg`/`.bootrst`, which would run instead of it, as E.setBootCode
 * clears them) are touched: the device's own files, `sk.*` (keys, journals, outbox), are
 * erased only with `erase: true`.
 */
import { SolkitError } from "../shared/errors";
import type { BoardInfo } from "./board-probe";
import { sleep, type ReplSession } from "./repl-session";
import { chooseChunkBytes, chunkExpr, chunkWireBytes, fileCheck, helperExpr } from "./upload-protocol";
import { sendFilePackets } from "./upload-by-packets";
import { heatshrinkAvailable } from "../toolchain/heatshrink";
import { companionFiles } from "../toolchain/companion-files";

/** How the file crossed the wire ("unchanged": it did not, the board's copy already hashed the same). */
export type UploadMethod = "packets+heatshrink" | "packets" | "repl" | "unchanged";

export interface Progress {
  done: number;
  total: number;
  /** Bundle bytes per second so far. */
  bytesPerSecond: number;
  chunkBytes: number;
  retries: number;
}

export interface UploadOptions {
  /** Storage file (default ".bootcde", the code Espruino runs at boot). */
  file?: string;
  /** Also erase the device's provisioning files (sk.*). */
  erase?: boolean;
  /** Force a chunk size instead of measuring one (base64 chunks only). */
  chunkBytes?: number;
  /** "auto" (default): packets where the board has them, else base64 chunks; "repl": chunks only. */
  method?: "auto" | "repl";
  /** Compress packets with heatshrink where the board decompresses (default true). */
  compress?: boolean;
  /** Attempts per chunk before giving up (default 6). */
  attempts?: number;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

/** One file's transfer (sendFile), and the bundle's in an UploadResult. */
export interface FileTransfer {
  chunks: number;
  /** The measured chunk (or packet) size it started with. */
  chunkBytes: number;
  method: UploadMethod;
  /** Why the packet upload was given up for base64 chunks, if it was. */
  fallback?: string;
  retries: number;
  /** Why chunks were sent again (offset and the board's or the link's reason). */
  failures: { offset: number; why: string }[];
  seconds: number;
  /** What the board reported for the whole file, equal to what was sent. */
  check: string;
}

/** The bundle's transfer; `seconds`, `retries` and `failures` count the companions' too. */
export interface UploadResult extends FileTransfer {
  file: string;
  bytes: number;
  /** Bytes sent (bundle and companions sent) per second. */
  bytesPerSecond: number;
  xoff: number;
  erased: string[];
  /** Files the bundle reads beside it (toolchain/companion-files.ts), and whether each was sent (false: the board's copy was right). */
  companions: { name: string; bytes: number; sent: boolean }[];
}

async function must(s: ReplSession, expr: string, what: string, timeoutMs = 3000): Promise<unknown> {
  const r = await s.call(expr, timeoutMs);
  if (!r.ok) throw new SolkitError("E_UPLOAD", `${what} failed on the board: ${String(r.value).slice(0, 120)}`);
  return r.value;
}

/** Stops the running program: reset() clears RAM and timers and does not run .bootcde. */
export async function stopProgram(s: ReplSession): Promise<void> {
  await s.write("\x10reset()\n");
  await sleep(300);
  for (let i = 0; i < 10; i++) {
    const r = await s.call("1", 1000);
    if (r.ok) return;
    await s.interrupt();
  }
  throw new SolkitError("E_NO_ANSWER", "the board stopped answering after reset(); press its reset button and flash again");
}

interface SendOptions {
  crypto: boolean;
  packets: boolean;
  compress: boolean;
  rttMs: number;
  freeVars: number;
  chunkBytes?: number;
  attempts: number;
  /** Bytes of this file done so far. */
  onBytes: (done: number, chunkBytes: number, retries: number) => void;
  abort: () => void;
}

/** The board's hash of `file` ("" when it has none), by the helpers of helperExpr. */
async function boardCheck(s: ReplSession, file: string, size: number): Promise<string> {
  return String(await must(s, `__skv(${JSON.stringify(file)})`, "reading back the hash", 5000 + size / 20));
}

/** True when the board's `file` already hashes as `data` does (then it need not go again). */
async function boardHolds(s: ReplSession, crypto: boolean, file: string, data: string): Promise<boolean> {
  return (await boardCheck(s, file, data.length)) === fileCheck(crypto, data);
}

/**
 * Writes `data` (one character per byte) into Storage file `file` and verifies it: binary
 * packets where the board has them, else (or when they fail) checked base64 chunks. The
 * helpers (helperExpr) must be defined.
 * @throws SolkitError E_UPLOAD, E_VERIFY, E_TOO_BIG, E_ABORTED, E_PORT
 */
async function sendFile(s: ReplSession, file: string, data: string, o: SendOptions): Promise<FileTransfer> {
  const expected = fileCheck(o.crypto, data);
  let fallback: string | undefined;
  if (o.packets) {
    const t0 = performance.now();
    let packetBytes = 0;
    const onBytes = (done: number, size: number) => {
      packetBytes = size;
      o.onBytes(done, size, 0);
    };
    onBytes(0, 0);
    const sent = await sendFilePackets(s, file, data, { compress: o.compress, freeVars: o.freeVars, onBytes, abort: o.abort });
    const seconds = (performance.now() - t0) / 1000;
    if (sent.ok) {
      const got = await boardCheck(s, file, data.length);
      if (got === expected) {
        return { chunks: sent.packets, chunkBytes: packetBytes || sent.packetBytes, method: sent.compressed ? "packets+heatshrink" : "packets", retries: 0, failures: [], seconds, check: got };
      }
      fallback = `the file sent as packets hashes to ${got.slice(0, 24)}…, expected ${expected.slice(0, 24)}…`;
    } else fallback = sent.why;
    await s.interrupt();
  }

  const start = o.chunkBytes ?? chooseChunkBytes({ rttMs: o.rttMs, baud: s.baud, freeVars: o.freeVars });
  let size = start;
  let offset = 0;
  let chunks = 0;
  let retries = 0;
  const failures: FileTransfer["failures"] = [];
  const t0 = performance.now();
  o.onBytes(0, size, 0);
  while (offset < data.length) {
    o.abort();
    const n = Math.min(size, data.length - offset);
    let done = false;
    for (let attempt = 1; attempt <= o.attempts && !done; attempt++) {
      const r = await s.call(chunkExpr(o.crypto, file, data, offset, n), 2000 + s.wireMs(chunkWireBytes(n)));
      if (r.ok && r.value === 1) {
        done = true;
        break;
      }
      const why = String(r.value);
      if (why.startsWith("lost:")) throw new SolkitError("E_PORT", `serial port ${why}`);
      failures.push({ offset, why: why.slice(0, 80) });
      retries++;
      o.abort();
      if (why === "timeout") await s.interrupt(); // a garbled line may sit half-typed
      if (/Not enough free space|Unable to find or create|too big/i.test(why)) {
        throw new SolkitError("E_TOO_BIG", `the board's Storage refused ${file} at byte ${offset}: ${why.slice(0, 80)}`);
      }
    }
    if (!done) {
      throw new SolkitError("E_UPLOAD", `chunk at byte ${offset} of ${file} failed ${o.attempts} times (last: ${failures[failures.length - 1]?.why}); check the cable or lower --baud`);
    }
    offset += n;
    chunks++;
    o.onBytes(offset, size, retries);
    // After a failure keep a smaller chunk for a while: less to resend if the link is noisy.
    if (failures.length > 0 && failures[failures.length - 1].offset === offset - n) size = Math.max(128, size >> 1);
    else if (size < start) size = Math.min(start, size * 2);
  }
  const seconds = (performance.now() - t0) / 1000;
  const got = await boardCheck(s, file, data.length);
  if (got !== expected) {
    throw new SolkitError("E_VERIFY", `verification failed: the board's ${file} hashes to ${got.slice(0, 24)}…, expected ${expected.slice(0, 24)}…; flash again`);
  }
  return { chunks, chunkBytes: start, method: "repl", fallback, retries, failures, seconds, check: got };
}

/**
 * Writes `code` to the board's Storage and verifies it, after the files it reads beside it
 * (toolchain/companion-files.ts), each skipped when the board's copy already hashes right:
 * a reflash sends the bundle alone. Companions go first, so a bundle is never left on the
 * board without what it reads. The board must answer (probeBoard).
 * @throws SolkitError E_UPLOAD (a chunk kept failing), E_VERIFY (the hash read back differs),
 *   E_ABORTED, E_PORT (port lost), E_NO_ANSWER
 */
export async function uploadBundle(s: ReplSession, info: BoardInfo, code: string, opts: UploadOptions = {}): Promise<UploadResult> {
  const file = opts.file ?? ".bootcde";
  const xoff0 = s.stats.xoff;
  const abort = () => {
    if (opts.signal?.aborted) throw new SolkitError("E_ABORTED", "upload aborted");
  };
  await stopProgram(s);
  const erased: string[] = [];
  if (opts.erase) {
    const gone = await must(s, `(function(){var S=require("Storage"),l=S.list(/^sk\\./);l.forEach(function(n){S.erase(n);});return l;})()`, "erasing sk.*");
    erased.push(...(gone as string[]));
  }
  const stale = await must(s, `(function(){var S=require("Storage"),e=[];[".varimg",".bootrst"].forEach(function(n){if(S.read(n)!==undefined){S.erase(n);e.push(n);}});return e;})()`, "clearing .varimg/.bootrst");
  erased.push(...(stale as string[]));
  await must(s, helperExpr(info.crypto), "defining the upload helpers");

  // What goes: each companion the board lacks (or holds different), then the bundle, unless
  // the board's copy already hashes the same (flashing the same build again only restarts it).
  const files: { name: string; data: string }[] = [];
  const companions: UploadResult["companions"] = [];
  for (const c of companionFiles(code)) {
    const data = Buffer.from(c.data).toString("latin1");
    const same = await boardHolds(s, info.crypto, c.name, data);
    companions.push({ name: c.name, bytes: data.length, sent: !same });
    if (!same) files.push({ name: c.name, data });
  }
  if (!(await boardHolds(s, info.crypto, file, code))) files.push({ name: file, data: code });

  const total = files.reduce((n, f) => n + f.data.length, 0);
  const useCompress = opts.compress !== false && info.heatshrink && heatshrinkAvailable();
  const t0 = performance.now();
  let before = 0;
  let main: FileTransfer | undefined;
  let retries = 0;
  const failures: UploadResult["failures"] = [];
  for (const f of files) {
    const onBytes = (done: number, chunkBytes: number, r: number) => {
      const secs = Math.max(1e-3, (performance.now() - t0) / 1000);
      opts.onProgress?.({ done: before + done, total, bytesPerSecond: (before + done) / secs, chunkBytes, retries: retries + r });
    };
    const t = await sendFile(s, f.name, f.data, {
      crypto: info.crypto, packets: info.packets && opts.method !== "repl", compress: useCompress,
      rttMs: info.rttMs, freeVars: info.freeVars, chunkBytes: opts.chunkBytes, attempts: opts.attempts ?? 6, onBytes, abort,
    });
    retries += t.retries;
    failures.push(...t.failures.map((x) => ({ offset: x.offset, why: f.name === file ? x.why : `${f.name}: ${x.why}` })));
    before += f.data.length;
    if (f.name === file) main = t;
  }
  const seconds = (performance.now() - t0) / 1000;
  const m: FileTransfer = main ?? { chunks: 0, chunkBytes: 0, method: "unchanged", retries: 0, failures: [], seconds: 0, check: fileCheck(info.crypto, code) };
  return {
    file, bytes: code.length, chunks: m.chunks, chunkBytes: m.chunkBytes, method: m.method, fallback: m.fallback, retries, failures,
    seconds, bytesPerSecond: total / Math.max(seconds, 1e-3), check: m.check, xoff: s.stats.xoff - xoff0, erased, companions,
  };
}
