/**
 * `solkit build` for the NodeMCU target (ESP8266/ESP32 under NodeMCU Lua): ONE Lua file,
 * dist/<id>/firmware.lua — typescript-to-lua's bundle of the device program with the typed-array
 * prelude, the NodeMCU bridges (firmware/targets/nodemcu/nodemcu-prelude.lua) and the board
 * facts as a Lua table. Lua 5.3: NodeMCU builds it since firmware 3.0 (LUA=53), and it has the
 * 64-bit integers and native bitwise operators the protocol's u32 arithmetic and TSTL's output
 * need (5.1 has neither: every `&` would become a bit-library call, every u32 a float).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Board } from "../boards/board-type";
import { SolkitError } from "../shared/errors";
import { DEFAULT_DEVICE_CONFIG } from "../firmware/config";
import { buildLuaBundle } from "./lua";
import { toLuaLiteral } from "./lua-literal";
import { planStorage, type StoragePlan } from "./firmware-plan";
import { luacCrossAvailable } from "./luac-cross";
import { buildLfsImage, type LfsImageFacts } from "./nodemcu-lfs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TARGET = join(REPO, "firmware", "targets", "nodemcu");
const FACTS = "nil -- @@solkit board facts@@";

/**
 * The Lua build's own modules: the base-point table as one Lua string and its lookup (typed arrays
 * are Lua tables, 16 bytes a byte: the table alone was ~420 KiB of heap).
 */
const LUA_SWAPS: [string, string][] = [
  ["shared/crypto/ed25519/table-decode", "firmware/targets/nodemcu/lua-table-decode"],
  ["shared/crypto/ed25519/table-read", "firmware/targets/nodemcu/lua-table-read"],
];

export interface NodemcuBuildReport {
  board: string;
  target: "nodemcu";
  file: string;
  bytes: number;
  storage: StoragePlan;
  firmwareVersion: string;
  lua: "5.3";
  /**
   * The program as an LFS image (dist/<id>/lfs.img, NodeMCU's luac.cross), what `solkit flash`
   * uploads: absent when no C compiler could build luac.cross (then the source is uploaded).
   */
  lfs?: LfsImageFacts & { file: string };
  /** What `solkit build` measured of it in real lua5.3 (cli/commands/build.ts), when it could. */
  measured?: {
    lua: string;
    heapKiBAtBoot: number;
    heapKiBAfterHour: number;
    /** Of that heap, the loaded code (bytecode and constants): what LFS would keep in flash. */
    codeKiB: number;
    /** Of that heap, the emulation's own (nodemcu-emu.lua; C modules in ROM on a chip): not the program's. */
    emulationKiB: number;
    longestCallbackMs: number;
  };
  /** The same hour with the code in LFS, in NodeMCU's own Lua core (luac.cross -F): the RAM it needs on a chip flashed with lfs.img. */
  measuredLfs?: { lua: string; heapKiBAtBoot: number; heapKiBAfterHour: number; emulationKiB: number; longestCallbackMs: number };
}

/** The base-point tables' base64 literals in a Lua bundle (shared/crypto/ed25519/base-table*.ts). */
const TABLE_LITERAL = /(BASE_TABLE(?:_SMALL)?_BASE64 = )"([A-Za-z0-9+/]+={0,2})"/g;

/**
 * A Lua string literal of `bytes`, one source byte per byte where Lua allows it: only the quote,
 * the backslash and control bytes are escaped (`\ddd`, three digits so a digit after cannot join).
 */
function luaBytes(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) out += b === 0x22 || b === 0x5c || b < 0x20 || b === 0x7f ? "\\" + String(b).padStart(3, "0") : String.fromCharCode(b);
  return out + '"';
}

/** TSTL's text as the bytes of its UTF-8, one character per byte (how every NodeMCU step handles a bundle: latin1). */
function asBytes(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

/**
 * The bundle with the base-point tables' bytes where their base64 text was (lua-table-decode.ts
 * then has nothing to decode): a constant string, kept in flash under LFS.
 * @throws SolkitError E_LUA_BUILD when a bundle that decodes a table has none to inline
 */
function inlineTables(code: string, entry: string): string {
  let n = 0;
  const out = code.replace(TABLE_LITERAL, (_m, lhs: string, b64: string) => {
    n++;
    return lhs + luaBytes(Buffer.from(b64, "base64"));
  });
  if (n === 0 && code.includes("BASE_TABLE")) throw new SolkitError("E_LUA_BUILD", `${entry}: the base-point table's literal was not found to inline (toolchain/nodemcu-target.ts TABLE_LITERAL)`);
  return out;
}

/**
 * The number NodeMCU's gpio module takes: the pin index on the ESP8266 ("D5" → 5), the GPIO
 * number on the ESP32 ("GPIO26" → 26). @throws SolkitError E_BOARD
 */
function pinIndex(board: Board, pin: string): number {
  const m = /^(?:D|GPIO)(\d{1,2})$/.exec(pin);
  if (m === null) throw new SolkitError("E_BOARD", `${board.id}: pin ${pin} is neither a NodeMCU pin index (D0…D12) nor GPIO<n>`);
  return Number(m[1]);
}

/** The board facts as the Lua table SOLKIT_BOARD (firmware/targets/nodemcu/nodemcu.d.ts). */
export function nodemcuBoardFacts(board: Board, outboxCapacity: number): Record<string, unknown> {
  const p = board.pins;
  if (p.sensor !== undefined) throw new SolkitError("E_UNSUPPORTED", `${p.sensor.kind} sensor unsupported on nodemcu yet (board ${board.id}): an S0 meter input only`);
  const facts: Record<string, unknown> = {
    id: board.id,
    relay: p.relay.map((r) => ({ pin: pinIndex(board, r.pin), activeHigh: r.activeHigh })),
    config: {
      firmwareVersion: DEFAULT_DEVICE_CONFIG.firmwareVersion,
      meterImpPerKwh: p.meterInput ? p.meterInput.impPerKWh : DEFAULT_DEVICE_CONFIG.meterImpPerKwh,
      outboxCapacity, segmentSlots: DEFAULT_DEVICE_CONFIG.segmentSlots, trustedRng: board.trustedRng === true,
    },
  };
  if (p.meterInput) facts.meter = { pin: pinIndex(board, p.meterInput.pin), edge: p.meterInput.edge, pull: p.meterInput.pull, debounceMs: p.meterInput.debounceMs };
  return facts;
}

/**
 * The Lua bundle for `board` as bytes, one character per byte (nothing written).
 * @throws SolkitError E_UNSUPPORTED, E_BOARD, E_LUA_BUILD
 */
export async function nodemcuBundle(board: Board, outboxCapacity?: number): Promise<{ code: string; plan: StoragePlan }> {
  if (board.target !== "nodemcu") throw new SolkitError("E_UNSUPPORTED", `nodemcu build: ${board.id} is a ${board.target} board`);
  if (!board.limits) throw new SolkitError("E_UNSUPPORTED", `${board.id} has no limits (storage bytes); the build cannot size its outbox`);
  const bridges = await readFile(join(TARGET, "nodemcu-prelude.lua"), "utf8");
  // The facts hold the outbox size, which depends on the bundle's size: a placeholder first.
  const built = await buildLuaBundle({ entry: join(TARGET, "main.ts"), declarations: [join(TARGET, "nodemcu.d.ts")], prelude: `${bridges}\nSOLKIT_BOARD = ${FACTS}`, swaps: LUA_SWAPS });
  const code = inlineTables(asBytes(built.code), "main.ts");
  const withFacts = (capacity: number) => {
    const facts = toLuaLiteral(nodemcuBoardFacts(board, capacity));
    return code.replace(FACTS, () => facts);
  };
  let plan = planStorage(board, code.length);
  const image = luacCrossAvailable() ? lfsImageBytes(withFacts(plan.outboxCapacity)) : undefined;
  // `solkit flash` puts the LFS image in the file system, not the source (the code itself goes to
  // the LFS partition): the outbox gets the rest. The image's size barely moves with the facts
  // (a number), and the outbox takes only a share of what is left.
  if (image !== undefined) plan = { ...planStorage(board, image), codeFile: "lfs.img" };
  return { code: withFacts(outboxCapacity ?? plan.outboxCapacity), plan };
}

/** Bytes of the LFS image luac.cross makes of `code` (a scratch file). */
function lfsImageBytes(code: string): number {
  const dir = mkdtempSync(join(tmpdir(), "solkit-lfs-size-"));
  try {
    return buildLfsImage(code, join(dir, "lfs.img")).imageBytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Another entry of the target (the HAL contract suite's probe) as a Lua program with the same
 * preludes and no board facts. @throws SolkitError E_LUA_BUILD
 */
export async function nodemcuProgram(entryFile: string): Promise<string> {
  const bridges = await readFile(join(TARGET, "nodemcu-prelude.lua"), "utf8");
  return inlineTables(asBytes((await buildLuaBundle({ entry: join(TARGET, entryFile), declarations: [join(TARGET, "nodemcu.d.ts")], prelude: bridges, swaps: LUA_SWAPS })).code), entryFile);
}

/** Builds dist/<id>/firmware.lua, lfs.img (when luac.cross can be built) and report.json. @throws as nodemcuBundle, buildLfsImage */
export async function buildNodemcuFirmware(board: Board, outDir?: string): Promise<NodemcuBuildReport> {
  if (!board.buildable) throw new SolkitError("E_UNSUPPORTED", `${board.id} is not buildable yet: ${board.whyNotBuildable ?? "its target is not implemented"}`);
  const { code, plan } = await nodemcuBundle(board);
  const file = join(outDir ?? join(REPO, "dist", board.id), "firmware.lua");
  const report: NodemcuBuildReport = {
    board: board.id, target: "nodemcu", file: relative(REPO, file), bytes: code.length,
    storage: plan, firmwareVersion: DEFAULT_DEVICE_CONFIG.firmwareVersion, lua: "5.3",
  };
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, code, "latin1");
  await rename(tmp, file);
  if (luacCrossAvailable()) {
    const img = join(dirname(file), "lfs.img");
    report.lfs = { file: relative(REPO, img), ...buildLfsImage(code, `${img}.${process.pid}.tmp`) };
    await rename(`${img}.${process.pid}.tmp`, img);
  }
  await writeFile(join(dirname(file), "report.json"), JSON.stringify(report, null, 2) + "\n");
  return report;
}
