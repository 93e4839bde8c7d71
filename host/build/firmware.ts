/**
 * `solkit build`: one board → one Espruino bundle in dist/<id>/ (firmware.js, the exact bytes
 * `solkit flash` uploads and `solkit sim` runs) and report.json. The board's pin facts and
 * limits enter the bundle through a virtual module, "solkit:board"; the outbox is sized from
 * what the board's Storage has left once the bundle is in it.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Plugin } from "rollup";
import type { Board } from "../boards/board-type";
import { SolkitError } from "../../shared/errors";
import { DEFAULT_DEVICE_CONFIG } from "../../firmware/config";
import { buildEspruinoBundle } from "./espruino";
import { estimateVars, planStorage, type StoragePlan } from "./firmware-plan";
import { countSyntax } from "./syntax-counts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ENTRY = join(REPO, "firmware", "targets", "espruino", "main.ts");
/** Bytes the signer's precomputed base table takes in RAM once decoded (shared/crypto/ed25519). */
const SIGNER_TABLE_BYTES = 24576;

export interface BuildReport {
  board: string;
  target: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  modules: { id: string; bytes: number }[];
  storage: StoragePlan;
  vars: { estimate: number; budget: number; fits: boolean; method: string };
  firmwareVersion: string;
}

function boardModule(board: Board, outboxCapacity: number): Plugin {
  const p = board.pins;
  const facts = {
    id: board.id,
    relay: p.relay.map((r) => ({ pin: r.pin, activeHigh: r.activeHigh })),
    meter: p.meterInput && { pin: p.meterInput.pin, edge: p.meterInput.edge, pull: p.meterInput.pull, debounceMs: p.meterInput.debounceMs },
    adc: p.sensor && p.sensor.kind === "adc" ? { pin: p.sensor.pin, wattsPerVolt: p.sensor.wattsPerVolt } : undefined,
    led: p.led && { pin: p.led.pin, activeHigh: p.led.activeHigh },
    config: {
      firmwareVersion: DEFAULT_DEVICE_CONFIG.firmwareVersion,
      meterImpPerKwh: p.meterInput ? p.meterInput.impPerKWh : DEFAULT_DEVICE_CONFIG.meterImpPerKwh,
      outboxCapacity,
      segmentSlots: DEFAULT_DEVICE_CONFIG.segmentSlots,
    },
  };
  return {
    name: "solkit-board",
    resolveId: (id) => (id === "solkit:board" ? "\0solkit:board" : null),
    load: (id) => (id === "\0solkit:board" ? `export default ${JSON.stringify(facts)};` : null),
  };
}

/** Refuses boards this build cannot make, naming why ("<thing> unsupported on <target>"). */
function checkBuildable(board: Board): void {
  if (!board.buildable) {
    throw new SolkitError("E_UNSUPPORTED", `${board.id} is not buildable yet: ${board.whyNotBuildable ?? "its target is not implemented"}`);
  }
  if (board.target !== "espruino") throw new SolkitError("E_UNSUPPORTED", `solkit build: target ${board.target} unsupported (board ${board.id})`);
  if (board.pins.sensor && board.pins.sensor.kind !== "adc") {
    throw new SolkitError("E_UNSUPPORTED", `${board.pins.sensor.kind} sensor unsupported on espruino (board ${board.id})`);
  }
  if (!board.limits || !board.limits.jsVars) throw new SolkitError("E_UNSUPPORTED", `${board.id} has no limits.jsVars; the build cannot check it fits`);
}

/**
 * Builds the firmware of `board` into `outDir` (default dist/<id>).
 * @throws SolkitError E_UNSUPPORTED (board or feature not buildable), E_BUILD, E_ESPRUINO_FEATURE,
 *   E_TOO_BIG (bundle or variables exceed the board)
 */
export async function buildFirmware(board: Board, outDir?: string): Promise<BuildReport> {
  checkBuildable(board);
  const dir = outDir ?? join(REPO, "dist", board.id);
  // Pass 1 measures the bundle; pass 2 embeds the outbox size its leftover Storage allows.
  const first = await buildEspruinoBundle({ entry: ENTRY, globalName: "solkitFirmware", plugins: [boardModule(board, 0)] });
  const plan = planStorage(board, first.code.length + 16);
  if (!plan.fits) throw new SolkitError("E_TOO_BIG", plan.problem ?? "bundle too big");
  const file = join(dir, "firmware.js");
  const built = await buildEspruinoBundle({ entry: ENTRY, outFile: file, globalName: "solkitFirmware", plugins: [boardModule(board, plan.outboxCapacity)] });
  const bytes = Buffer.byteLength(built.code);
  const estimate = estimateVars(countSyntax(built.code), SIGNER_TABLE_BYTES + plan.outboxCapacity * 2);
  const budget = board.limits!.jsVars!;
  const report: BuildReport = {
    board: board.id,
    target: board.target,
    file: relative(REPO, file),
    bytes,
    gzipBytes: gzipSync(built.code).length,
    modules: built.modules.slice(0, 10).map((m) => ({ id: relative(REPO, m.id.replace(/^\0/, "")), bytes: m.bytes })),
    storage: { ...plan, codeBytes: bytes },
    vars: {
      estimate,
      budget,
      fits: estimate <= budget * 0.75,
      method: "static: 3 per function, 1 per property and declaration, buffers at 12 bytes per variable; keep under 75 % of the budget for the heap's run-time churn",
    },
    firmwareVersion: DEFAULT_DEVICE_CONFIG.firmwareVersion,
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  if (!report.vars.fits) {
    throw new SolkitError("E_TOO_BIG", `${board.id}: the program needs about ${estimate} variables at rest, over 75 % of the board's ${budget} (report: ${relative(REPO, join(dir, "report.json"))})`);
  }
  return report;
}
