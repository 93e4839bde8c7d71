/**
 * What answers on a port, if it is NodeMCU running solkit: two calls under the REPL's line limit
 * (the chip and firmware, then the files that matter). A provisioned device's locked console runs
 * no Lua; with the gateway's database it is opened first by a maintenance token (maintenance.ts:
 * the token line is the registry's `solkit_rx("…")` for a device registered with repl nodemcu).
 */
import { SolkitError } from "../shared/errors";
import { NODEMCU_LFS_IMAGE_FILE as IMAGE_FILE, NODEMCU_PROGRAM_FILE as PROGRAM_FILE } from "../toolchain/nodemcu-files";
import { openConsole } from "./maintenance";
import type { NodeMcuRepl } from "./nodemcu-repl";

/** Where a new program lands until it is proven. */
export const STAGING_FILE = "solkit.new";
/** Where a new LFS image lands until it is proven. */
export const LFS_STAGING_FILE = "lfs.new";

export interface NodeMcuInfo {
  freeBytes: number;
  totalBytes: number;
  /** Size of the program now in flash, -1 when there is none. */
  programBytes: number;
  stagingBytes: number;
  /** The firmware has the Lua Flash Store (node.LFS): a program can run from an LFS image. */
  lfs: boolean;
  /** Sizes of the LFS image file and its staging copy in the file system (0: none). */
  imageBytes: number;
  imageStagingBytes: number;
  /** The solkit program is running (global `solkit`). */
  solkit: boolean;
  /** How the board hashes a file: the crypto module's SHA-256, or FNV-1a in Lua without it. */
  hash: "sha256" | "fnv1a";
  heapBytes: number;
  /** The device's provisioning files (sk.*). */
  files: string[];
  rttMs: number;
}

/** Two probe calls (one would pass the REPL's line limit): the chip and firmware, then the files that matter. */
const PROBE = `(function() local r,u,t=file.fsinfo() return r.." "..t.." "..node.heap().." "..(solkit and 1 or 0).." "..((crypto and crypto.new_hash) and 1 or 0).." "..math.maxinteger end)()`;
const PROBE_FILES = `(function() local k={node.LFS and "~lfs:1"} for n,s in pairs(file.list()) do local p=n:sub(1,3) if p=="sk." or p=="sol" or p=="lfs" then k[#k+1]=n..":"..s end end return table.concat(k," ") end)()`;

/**
 * What answers on the port, if it is NodeMCU.
 * @throws SolkitError E_LOCKED (a provisioned solkit device), E_WRONG_FIRMWARE (something that
 *   is not a Lua REPL answered), E_NO_ANSWER
 */
export async function probeNodeMcu(r: NodeMcuRepl, path: string, database?: string, onNote?: (text: string) => void): Promise<NodeMcuInfo> {
  const from = r.s.logged; // what the board said before this probe is not its answer
  const since = (): string[] => r.s.log.slice(Math.max(0, r.s.log.length - (r.s.logged - from)));
  await r.prepare();
  const t0 = performance.now();
  let a = await r.call(PROBE, 3000);
  if (!a.ok && a.value === "timeout" && !r.s.locked) {
    await r.prepare(); // a board that was printing its boot banner may have lost the first lines
    a = await r.call(PROBE, 3000);
  }
  const rttMs = performance.now() - t0;
  if (r.s.locked || since().some((l) => l.startsWith("solkit: console locked"))) {
    if (database === undefined) throw new SolkitError("E_LOCKED", `the solkit device on ${path} has locked its console (it is provisioned); the registry that holds its key opens it (-c CONFIG)`);
    const opened = await openConsole(r.s, database);
    onNote?.(`console of ${opened.id} opened for ${opened.seconds / 60} min with maintenance token ${opened.counter}`);
    return probeNodeMcu(r, path);
  }
  if (!a.ok) {
    const said = since().slice(-3).join(" | ");
    if (said !== "") throw new SolkitError("E_WRONG_FIRMWARE", `something answers on ${path} but not as NodeMCU's Lua REPL (said: ${said.slice(0, 160)}); an Espruino board? check --board`);
    throw new SolkitError("E_NO_ANSWER", `no board answering on ${path} (is it a NodeMCU board at this baud rate, and powered?)`);
  }
  const [free, total, heap, solkit, crypto, maxInteger] = String(a.value).split(" ");
  if (Number(maxInteger) < 2 ** 53) {
    // NodeMCU's default build: the program would refuse to start (nodemcu-prelude.lua), so say it now.
    throw new SolkitError("E_WRONG_FIRMWARE", `the NodeMCU firmware on ${path} has 32-bit integers (math.maxinteger ${maxInteger}); solkit needs one built with 64-bit integers: LUA_NUMBER_64BITS on the ESP8266, CONFIG_LUA_NUMBER_INT64 on the ESP32 (docs/nodemcu.md)`);
  }
  const f = await r.call(PROBE_FILES, 3000);
  if (!f.ok) throw new SolkitError("E_NO_ANSWER", `the board on ${path} did not list its files: ${String(f.value).slice(0, 120)}`);
  const sizes = new Map(String(f.value).split(" ").filter(Boolean).map((e) => [e.slice(0, e.lastIndexOf(":")), Number(e.slice(e.lastIndexOf(":") + 1))] as const));
  return {
    freeBytes: Number(free), totalBytes: Number(total), programBytes: sizes.get(PROGRAM_FILE) ?? -1, stagingBytes: sizes.get(STAGING_FILE) ?? 0,
    lfs: sizes.has("~lfs"), imageBytes: sizes.get(IMAGE_FILE) ?? 0, imageStagingBytes: sizes.get(LFS_STAGING_FILE) ?? 0,
    solkit: solkit === "1", hash: crypto === "1" ? "sha256" : "fnv1a", heapBytes: Number(heap),
    files: [...sizes.keys()].filter((n) => n.startsWith("sk.")).sort(), rttMs,
  };
}

