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

/** How the file crossed the wire. */
export type UploadMethod = "packets+heatshrink" | "packets" | "repl";

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

export interface UploadResult {
  file: string;
  bytes: number;
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
  bytesPerSecond: number;
  /** What the board reported for the whole file, equal to what was sent. */
  check: string;
  xoff: number;
  erased: string[];
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

/**
 * Writes `code` to the board's Storage and verifies it. The board must answer (probeBoard).
 * @throws SolkitError E_UPLOAD (a chunk kept failing), E_VERIFY (the hash read back differs),
 *   E_ABORTED, E_PORT (port lost), E_NO_ANSWER
 */
export async function uploadBundle(s: ReplSession, info: BoardInfo, code: string, opts: UploadOptions = {}): Promise<UploadResult> {
  const file = opts.file ?? ".bootcde";
  const attempts = opts.attempts ?? 6;
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
  const expected = fileCheck(info.crypto, code);
  const readBack = async () => String(await must(s, `__skv(${JSON.stringify(file)})`, "reading back the hash", 5000 + code.length / 20));

  let fallback: string | undefined;
  if (info.packets && opts.method !== "repl") {
    const compress = opts.compress !== false && info.heatshrink && heatshrinkAvailable();
    const t0 = performance.now();
    let packetBytes = 0;
    const onBytes = (done: number, size: number) => {
      packetBytes = size;
      const secs = Math.max(1e-3, (performance.now() - t0) / 1000);
      opts.onProgress?.({ done, total: code.length, bytesPerSecond: done / secs, chunkBytes: size, retries: 0 });
    };
    onBytes(0, 0);
    const sent = await sendFilePackets(s, file, code, { compress, freeVars: info.freeVars, onBytes, abort });
    const seconds = (performance.now() - t0) / 1000;
    if (sent.ok) {
      const got = await readBack();
      if (got === expected) {
        return {
          file, bytes: code.length, chunks: sent.packets, chunkBytes: packetBytes || sent.packetBytes, method: compress ? "packets+heatshrink" : "packets",
          retries: 0, failures: [], seconds, bytesPerSecond: code.length / Math.max(seconds, 1e-3), check: got, xoff: s.stats.xoff - xoff0, erased,
        };
      }
      fallback = `the file sent as packets hashes to ${got.slice(0, 24)}…, expected ${expected.slice(0, 24)}…`;
    } else fallback = sent.why;
    await s.interrupt();
  }

  const start = opts.chunkBytes ?? chooseChunkBytes({ rttMs: info.rttMs, baud: s.baud, freeVars: info.freeVars });
  let size = start;
  let offset = 0;
  let chunks = 0;
  let retries = 0;
  const failures: UploadResult["failures"] = [];
  const t0 = performance.now();
  const report = () => {
    const secs = Math.max(1e-3, (performance.now() - t0) / 1000);
    opts.onProgress?.({ done: offset, total: code.length, bytesPerSecond: offset / secs, chunkBytes: size, retries });
  };
  report();
  while (offset < code.length) {
    abort();
    const n = Math.min(size, code.length - offset);
    let done = false;
    for (let attempt = 1; attempt <= attempts && !done; attempt++) {
      const r = await s.call(chunkExpr(info.crypto, file, code, offset, n), 2000 + s.wireMs(chunkWireBytes(n)));
      if (r.ok && r.value === 1) {
        done = true;
        break;
      }
      const why = String(r.value);
      if (why.startsWith("lost:")) throw new SolkitError("E_PORT", `serial port ${why}`);
      failures.push({ offset, why: why.slice(0, 80) });
      retries++;
      abort();
      if (why === "timeout") await s.interrupt(); // a garbled line may sit half-typed
      if (/Not enough free space|Unable to find or create|too big/i.test(why)) {
        throw new SolkitError("E_TOO_BIG", `the board's Storage refused the bundle at byte ${offset}: ${why.slice(0, 80)}`);
      }
    }
    if (!done) {
      throw new SolkitError("E_UPLOAD", `chunk at byte ${offset} failed ${attempts} times (last: ${failures[failures.length - 1]?.why}); check the cable or lower --baud`);
    }
    offset += n;
    chunks++;
    report();
    // After a failure keep a smaller chunk for a while: less to resend if the link is noisy.
    if (failures.length > 0 && failures[failures.length - 1].offset === offset - n) size = Math.max(128, size >> 1);
    else if (size < start) size = Math.min(start, size * 2);
  }
  const seconds = (performance.now() - t0) / 1000;
  const got = await readBack();
  if (got !== expected) {
    throw new SolkitError("E_VERIFY", `verification failed: the board's ${file} hashes to ${got.slice(0, 24)}…, expected ${expected.slice(0, 24)}…; flash again`);
  }
  return {
    file, bytes: code.length, chunks, chunkBytes: start, method: "repl", fallback, retries, failures, seconds, bytesPerSecond: code.length / Math.max(seconds, 1e-3),
    check: got, xoff: s.stats.xoff - xoff0, erased,
  };
}
