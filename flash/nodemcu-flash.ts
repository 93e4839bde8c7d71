/**
 * `solkit flash` for NodeMCU boards (issue 14): the Lua bundle uploaded through the NodeMCU
 * REPL as files in its flash (SPIFFS), the way NodeMCU's own tools (nodemcu-tool, ESPlorer) do,
 * but checked: the board answers every chunk with the FNV-1a of what it received (a chunk that
 * does not match goes again, written at its own offset), the whole file is hashed on the board
 * and compared, and only then does it replace the running program.
 *
 *   lfs.img     the program as an LFS image (dist/<board>/lfs.img), loaded into the Lua Flash
 *               Store by node.LFS.reload: its code then runs from flash, not RAM (the default
 *               when the build made one and the firmware has LFS)
 *   solkit.lua  or the device program as source (dist/<board>/firmware.lua; --no-lfs), compiled
 *               into RAM at each boot
 *   init.lua    what NodeMCU runs at boot: the program (toolchain/nodemcu-files.ts: and a program that fails)
 *
 * A new program goes to solkit.new (lfs.new) first and is renamed into place once its hash
 * matches, so a cut cable or a power cut mid-upload leaves the old program running. Where the
 * flash cannot hold both, the old one is removed first (said in a note). An LFS image replaces
 * the running program only at node.LFS.reload; until then the old one runs (init.lua falls back
 * to an old solkit.lua).
 */
import { createHash } from "node:crypto";
import type { Board } from "../boards/board-type";
import { SolkitError } from "../shared/errors";
import { closePort, openPort } from "./port-open";
import { ReplSession, sleep } from "./repl-session";
import { luaString, luaStringLength, NODEMCU_MAX_LINE, NodeMcuRepl } from "./nodemcu-repl";
import { LFS_STAGING_FILE, probeNodeMcu, STAGING_FILE, type NodeMcuInfo } from "./nodemcu-probe";
import type { Progress } from "./upload";
import { NODEMCU_INIT_LFS as INIT_LFS, NODEMCU_INIT_LUA as INIT_LUA, NODEMCU_LFS_IMAGE_FILE as IMAGE_FILE, NODEMCU_PROGRAM_FILE as PROGRAM_FILE } from "../toolchain/nodemcu-files";


export interface NodeMcuFlashOptions {
  path: string;
  baud: number;
  board: Board;
  /** The bundle (dist/<board>/firmware.lua), one character per byte. */
  code: string;
  /** The LFS image (dist/<board>/lfs.img, one character per byte): uploaded instead of `code` and loaded with node.LFS.reload. */
  lfsImage?: string;
  /** Bytes the image takes in the LFS partition once loaded (toolchain/nodemcu-lfs.ts): checked against the board's partition first. */
  lfsFlashBytes?: number;
  erase?: boolean;
  /** The gateway's database: a provisioned device's locked console is opened with a maintenance token from its registry. */
  database?: string;
  onProgress?: (p: Progress) => void;
  onNote?: (text: string) => void;
  /** How long to watch the new program start before calling it good (default 3000 ms). */
  settleMs?: number;
}

export interface NodeMcuFlashResult {
  info: NodeMcuInfo;
  /** What went up: the LFS image (run from flash) or the source (compiled into RAM). */
  mode: "lfs" | "source";
  /** The file it went to (lfs.img or solkit.lua). */
  file: string;
  bytes: number;
  chunks: number;
  chunkBytes: number;
  retries: number;
  seconds: number;
  bytesPerSecond: number;
  /** The hash the board computed over what it stored, equal to the bundle's. */
  check: string;
  erased: string[];
  /** The old program was removed before the upload (the flash could not hold both). */
  replacedInPlace: boolean;
  boot: { ok: boolean; solkit: boolean; lines: string[] };
}

/** FNV-1a (32 bits) of `bytes`: what the board computes in Lua when it has no crypto module. */
export function fnv1a(bytes: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes.charCodeAt(i) & 0xff), 16777619) >>> 0;
  return h.toString(16).padStart(8, "0");
}

function hostHash(kind: NodeMcuInfo["hash"], bytes: string): string {
  return kind === "sha256" ? createHash("sha256").update(Buffer.from(bytes, "latin1")).digest("hex") : fnv1a(bytes);
}

/** The Lua expression that hashes a flash file on the board (each under the REPL's line limit). */
function hashExpr(kind: NodeMcuInfo["hash"], name: string): string {
  const open = `file.open("${name}")`;
  return kind === "sha256"
    ? `(function() local h,f=crypto.new_hash("SHA256"),${open} repeat local s=f:read(256) or "" h:update(s) until s=="" f:close() return crypto.toHex(h:finalize()) end)()`
    : `(function() local h,f=0x811c9dc5,${open} repeat local s=f:read(256) or "" for i=1,#s do h=((h~s:byte(i))*16777619)&0xffffffff end until s=="" f:close() return ("%08x"):format(h) end)()`;
}

/** Runs one step of the flash on the board (the probe has found it answering): 15 s for its answer, as a chunk's longer tries. */
async function must(r: NodeMcuRepl, expr: string, what: string, timeoutMs = 15_000): Promise<string> {
  const a = await r.call(expr, timeoutMs);
  if (!a.ok) throw new SolkitError("E_UPLOAD", `${what} failed on the board: ${String(a.value).slice(0, 120)}`);
  return String(a.value);
}

/** Characters of a chunk line around its data: `__sk("SKnnnnn",pcall(function() return __w(nnnnnn,"…") end))`. */
const CALL_OVERHEAD = 72;
/**
 * How long each try of one chunk waits for its answer before the chunk goes again (a line lost or
 * changed on the wire is sent again); after the last the upload stops. Each wait is longer than
 * the one before: SPIFFS may stop to collect garbage for seconds on a nearly full flash, and a
 * loaded host may not read the port for a while — a dead board still fails within 35 s.
 */
const CHUNK_WAITS_MS = [5_000, 10_000, 20_000];

/**
 * The board's chunk writer: `__w(at, s)` writes `s` at byte `at` (so sending a chunk again is
 * harmless, whether the line or its answer was lost) and answers the FNV-1a of what it was given:
 * a byte changed or lost inside the line's string shows at once, and only that line goes again.
 */
const CHUNK_WRITER = `(function() __w=function(a,s) __f:seek("set",a) assert(__f:write(s),"flash write failed (full?)") local h=0x811c9dc5 for i=1,#s do h=((h~s:byte(i))*16777619)&0xffffffff end return h end return 1 end)()`;

/**
 * The board's base64 decoder, for binary files (an LFS image: deflated, so most bytes would need a
 * 4-character `\ddd` escape in a Lua string; base64 takes 4 characters per 3 bytes): `__d(s)` gives
 * the bytes of `s`, a multiple of 4 characters without padding. Three definitions, each under the
 * REPL's line limit; plain Lua, so no firmware module is needed (NodeMCU's encoder is optional).
 */
const BASE64_DECODER = [
  `(function() local a="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" __t={} for i=1,64 do __t[a:byte(i)]=i-1 end return 1 end)()`,
  `(function() __g=function(s,i) local t,a,b,c,d=__t,s:byte(i,i+3) return t[a]<<18|t[b]<<12|t[c]<<6|t[d] end return 1 end)()`,
  `(function() __d=function(s) local o={} for i=1,#s,4 do local v=__g(s,i) o[#o+1]=string.char(v>>16,v>>8&255,v&255) end return table.concat(o) end return 1 end)()`,
];
/** Bytes of a binary file per line: base64 characters within the line limit, less the call around them. */
const BASE64_LINE_BYTES = Math.floor((NODEMCU_MAX_LINE - CALL_OVERHEAD - 8) / 4) * 3;

/**
 * Writes `data` to the board's file `name` in chunks, each checked by the board's FNV-1a of it
 * and sent again when it does not match, then checks the whole file's hash. `binary`: the chunks
 * go as base64, decoded on the board (see BASE64_DECODER); else as Lua strings, mostly verbatim.
 * @returns chunks sent, chunks sent again, and the board's hash of the file
 * @throws SolkitError E_UPLOAD (a chunk that never arrived intact, a write the board refused), E_VERIFY (the file's hash differs)
 */
async function writeFile(r: NodeMcuRepl, info: NodeMcuInfo, name: string, data: string, onChunk: (done: number, chunkBytes: number, retries: number) => void, binary = false): Promise<{ chunks: number; retries: number; check: string }> {
  await must(r, CHUNK_WRITER, "defining the chunk writer");
  if (binary) for (const line of BASE64_DECODER) await must(r, line, "defining the base64 decoder");
  await must(r, `(function() file.remove("${name}") __f=file.open("${name}","w") return __f and 1 end)()`, `opening ${name}`);
  let chunks = 0;
  let retries = 0;
  for (let at = 0; at < data.length; ) {
    let end = at;
    // Base64 in whole groups of 3 bytes; the last one or two bytes of a binary file go verbatim.
    const base64 = binary && data.length - at >= 3;
    if (base64) end = at + Math.min(BASE64_LINE_BYTES, Math.floor((data.length - at) / 3) * 3);
    else while (end < data.length && luaStringLength(data, at, end + 1) <= NODEMCU_MAX_LINE - CALL_OVERHEAD) end++;
    const piece = data.slice(at, end);
    const want = String(parseInt(fnv1a(piece), 16));
    const arg = base64 ? `__d("${Buffer.from(piece, "latin1").toString("base64")}")` : luaString(piece);
    for (let tries = 1; ; tries++) {
      const a = await r.call(`__w(${at},${arg})`, CHUNK_WAITS_MS[tries - 1]);
      if (a.ok && a.value === want) break;
      if (!a.ok && /flash write failed/.test(String(a.value))) throw new SolkitError("E_UPLOAD", `writing ${name} at byte ${at}: the board's flash refused it (full?)`);
      if (tries >= CHUNK_WAITS_MS.length) throw new SolkitError("E_UPLOAD", `writing ${name} at byte ${at} failed ${tries} times (last: ${String(a.value).slice(0, 80)}); nothing was replaced — check the cable and try again`);
      retries++;
    }
    chunks++;
    onChunk(end, end - at, retries);
    at = end;
  }
  await must(r, `(function() __f:close() __f=nil __w=nil __t=nil __g=nil __d=nil return 1 end)()`, `closing ${name}`);
  const check = await must(r, hashExpr(info.hash, name), `hashing ${name}`, 60_000);
  const want = hostHash(info.hash, data);
  if (check !== want) throw new SolkitError("E_VERIFY", `${name} on the board hashes to ${check.slice(0, 16)}…, the bundle to ${want.slice(0, 16)}…; nothing was replaced — try again`);
  return { chunks, retries, check };
}

/** Renames `from` over `to` in one line (SPIFFS renames only to a free name). */
async function replace(r: NodeMcuRepl, from: string, to: string): Promise<void> {
  const ok = await must(r, `(function() file.remove("${to}") return file.rename("${from}","${to}") end)()`, `renaming ${from} to ${to}`);
  if (ok !== "true") throw new SolkitError("E_UPLOAD", `the board could not rename ${from} to ${to}`);
}

/**
 * Restarts the board with `line` (node.restart(), or node.LFS.reload, which restarts into the new
 * image) and watches the program start: its boot lines, then whether `solkit` answers (an
 * unprovisioned device) or the console says it is locked (a provisioned one).
 */
async function restartAndWatch(r: NodeMcuRepl, settleMs: number, line: string): Promise<NodeMcuFlashResult["boot"]> {
  const lines: string[] = [];
  const off = r.s.onLine((l) => {
    if (l.trim() !== "" && !l.includes("<<SK") && !l.includes("__sk")) lines.push(l.replace(/^> /, ""));
  });
  await r.s.write(`${line}\n`);
  await sleep(settleMs);
  await r.prepare();
  const a = await r.call(`type(solkit)`, 5000);
  off();
  // A reload that refuses the image prints why (node.LFS.reload returns it; the board goes on as it was).
  const failed = lines.some((l) => /PANIC|failed to start|no device program|No LFS partition|LFS image load failed/.test(l));
  const locked = r.s.locked || lines.some((l) => l.startsWith("console locked") || l.startsWith("solkit: console locked"));
  return { ok: !failed && (a.ok || locked), solkit: !failed && (locked || a.value === "table"), lines };
}

/** What goes up and how it starts: the LFS image, or the source. */
function planOf(o: NodeMcuFlashOptions) {
  return o.lfsImage !== undefined
    ? { mode: "lfs" as const, data: o.lfsImage, staging: LFS_STAGING_FILE, file: IMAGE_FILE, init: INIT_LFS, start: `print(node.LFS.reload("${IMAGE_FILE}"))` }
    : { mode: "source" as const, data: o.code, staging: STAGING_FILE, file: PROGRAM_FILE, init: INIT_LUA, start: "node.restart()" };
}

/**
 * Flashes the program (`lfsImage` when given, else `code`) to the NodeMCU board on `path`.
 * @throws SolkitError E_PORT_* (opening), E_NO_ANSWER, E_WRONG_FIRMWARE, E_LOCKED, E_TOO_BIG, E_UPLOAD, E_VERIFY
 */
export async function flashNodeMcu(o: NodeMcuFlashOptions): Promise<NodeMcuFlashResult> {
  const p = planOf(o);
  const capacity = o.board.limits?.storageBytes ?? Infinity;
  if (p.data.length + p.init.length > capacity) {
    throw new SolkitError("E_TOO_BIG", `the ${p.mode === "lfs" ? "LFS image" : "bundle"} (${p.data.length} bytes) is bigger than ${o.board.id}'s flash file system (${capacity} bytes)`);
  }
  const port = await openPort(o.path, o.baud);
  try {
    const s = new ReplSession(port, o.baud);
    const r = new NodeMcuRepl(s);
    const info = await probeNodeMcu(r, o.path, o.database, o.onNote);
    o.onNote?.(`found NodeMCU on ${o.path}: ${info.freeBytes} of ${info.totalBytes} bytes of flash free, ${info.heapBytes} bytes of heap, ` +
      `${info.programBytes >= 0 ? `a ${info.programBytes}-byte ${PROGRAM_FILE}` : `no ${PROGRAM_FILE}`}${info.solkit ? " (running)" : ""}, ` +
      `${info.lfs ? "LFS" : "no LFS"}, ${info.hash === "sha256" ? "crypto module: files checked by SHA-256" : "no crypto module: files checked by FNV-1a in Lua"}, round trip ${info.rttMs.toFixed(0)} ms`);
    if (p.mode === "lfs" && !info.lfs) {
      throw new SolkitError("E_WRONG_FIRMWARE", `the NodeMCU firmware on ${o.path} has no Lua Flash Store (node.LFS): flash the source with --no-lfs (it needs ~330 KiB of heap), or build NodeMCU with an LFS partition (docs/nodemcu.md)`);
    }
    if (p.mode === "lfs" && o.lfsFlashBytes !== undefined) {
      // Before anything is written: an image bigger than the partition would fail only at the reload.
      const [size] = (await must(r, `(function() local c=node.LFS.config return c.lfs_size.." "..c.lfs_used end)()`, "reading the LFS partition")).split(" ").map(Number);
      if (size < o.lfsFlashBytes) {
        throw new SolkitError("E_TOO_BIG", `the program needs ${o.lfsFlashBytes} bytes of LFS once loaded and the firmware on ${o.path} has an LFS partition of ${size}: give it one of at least ${Math.ceil(o.lfsFlashBytes / 4096) * 4096} bytes (NodeMCU's partition table), or flash the source with --no-lfs`);
      }
    }
    // The old copy of what is uploaded is only a file (a running LFS program is in its partition,
    // not in lfs.img), so its room counts as free; an old solkit.lua counts too when it must go.
    const staged = p.mode === "lfs" ? info.imageStagingBytes : info.stagingBytes;
    const oldFile = p.mode === "lfs" ? info.imageBytes : Math.max(0, info.programBytes);
    const room = info.freeBytes + staged + (p.mode === "lfs" ? oldFile : 0);
    const old = p.mode === "lfs" ? Math.max(0, info.programBytes) : oldFile;
    if (p.data.length + p.init.length > room + old) {
      throw new SolkitError("E_TOO_BIG", `the ${p.mode === "lfs" ? "LFS image" : "bundle"} needs ${p.data.length} bytes of flash and the board has ${room + old} free with the old program removed; remove other files with file.remove(…)`);
    }
    // SPIFFS needs some room of its own beyond the bytes (pages, metadata): 5 % kept aside.
    const replacedInPlace = p.data.length * 1.05 > room;
    const erased: string[] = [];
    if (o.erase) {
      for (const f of info.files) {
        await must(r, `(function() file.remove("${f}") return 1 end)()`, `erasing ${f}`);
        erased.push(f);
      }
    } else if (info.files.length > 0) o.onNote?.(`keeping the device's ${info.files.length} provisioning file(s) (sk.*): keys, counters, credit, outbox`);
    if (p.mode === "lfs" && oldFile > 0) await must(r, `(function() file.remove("${IMAGE_FILE}") return 1 end)()`, `removing the old ${IMAGE_FILE}`);
    if (replacedInPlace && old > 0) {
      o.onNote?.(`the flash cannot hold the old and the new program at once: the old ${PROGRAM_FILE} is removed first (a cut now leaves the board without a program until it is flashed again)`);
      await must(r, `(function() file.remove("${PROGRAM_FILE}") return 1 end)()`, `removing the old ${PROGRAM_FILE}`);
    }
    await r.echoOff(o.baud);
    const t0 = performance.now();
    let lastChunk = 0;
    const progress = (done: number, chunkBytes: number, retries: number) => {
      lastChunk = Math.max(lastChunk, chunkBytes);
      const secs = (performance.now() - t0) / 1000;
      o.onProgress?.({ done, total: p.data.length, bytesPerSecond: secs > 0 ? done / secs : 0, chunkBytes, retries });
    };
    const up = await writeFile(r, info, p.staging, p.data, progress, p.mode === "lfs");
    const seconds = (performance.now() - t0) / 1000;
    await replace(r, p.staging, p.file);
    await writeFile(r, info, "init.new", p.init, () => {});
    await replace(r, "init.new", "init.lua");
    const boot = await restartAndWatch(r, o.settleMs ?? 3000, p.start);
    return {
      info, mode: p.mode, file: p.file, bytes: p.data.length, chunks: up.chunks, chunkBytes: lastChunk, retries: up.retries, seconds, bytesPerSecond: p.data.length / seconds,
      check: up.check, erased, replacedInPlace, boot,
    };
  } finally {
    await closePort(port);
  }
}
