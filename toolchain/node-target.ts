/**
 * `solkit build` for the Node target (a Raspberry Pi under Node.js): ONE CommonJS file,
 * dist/<id>/firmware.cjs, with the device program, the board facts and the mqtt client inside,
 * so a Pi needs Node 20 and that file — no npm install, no compiler on the device. Bundled by
 * esbuild (Node needs no lowering; the Espruino pipeline's checks are about a language Node has).
 * The store is sized from the board file's limits.storageBytes as on a microcontroller: a
 * quota in the data folder, so an outage fills the outbox, never the SD card.
 */
import { build, type Plugin } from "esbuild";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Board } from "../boards/board-type";
import { SolkitError } from "../shared/errors";
import { DEFAULT_DEVICE_CONFIG } from "../firmware/config";
import type { NodeBoardFacts } from "../firmware/targets/node/facts";
import { planStorage, type StoragePlan } from "./firmware-plan";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ENTRY = join(REPO, "firmware", "targets", "node", "main.ts");
/** The Pi's header: its 40-pin lines are gpiochip0 on the Pi 4 and the Zero 2 W. */
const GPIO_CHIP = "gpiochip0";
/** I2C1 on GPIO2/3, /dev/i2c-1. */
const I2C_BUS = 1;

export interface NodeBuildReport {
  board: string;
  target: "node";
  file: string;
  bytes: number;
  gzipBytes: number;
  modules: { id: string; bytes: number }[];
  storage: StoragePlan;
  firmwareVersion: string;
  /** What the Pi needs besides the file. */
  needs: string[];
}

/** The facts the bundle embeds, from the board file (its only source of pin facts). */
export function nodeBoardFacts(board: Board, outboxCapacity: number): NodeBoardFacts {
  const p = board.pins;
  const s = p.sensor;
  if (s !== undefined && s.kind !== "ina219") throw new SolkitError("E_UNSUPPORTED", `${s.kind} sensor unsupported on node (board ${board.id}: a Pi has no ADC)`);
  return {
    id: board.id,
    relay: p.relay.map((r) => ({ pin: r.pin, activeHigh: r.activeHigh })),
    meter: p.meterInput && { pin: p.meterInput.pin, edge: p.meterInput.edge, pull: p.meterInput.pull, debounceMs: p.meterInput.debounceMs },
    ina219: s === undefined ? undefined : { address: s.address, shuntMilliohms: s.shuntMilliohms, bus: I2C_BUS },
    gpioChip: GPIO_CHIP,
    storageBytes: board.limits!.storageBytes,
    config: {
      firmwareVersion: DEFAULT_DEVICE_CONFIG.firmwareVersion,
      meterImpPerKwh: p.meterInput ? p.meterInput.impPerKWh : DEFAULT_DEVICE_CONFIG.meterImpPerKwh,
      outboxCapacity,
      segmentSlots: DEFAULT_DEVICE_CONFIG.segmentSlots,
      trustedRng: board.trustedRng === true,
    },
  };
}

function boardPlugin(facts: NodeBoardFacts): Plugin {
  return {
    name: "solkit-board",
    setup(b) {
      b.onResolve({ filter: /^solkit:board$/ }, () => ({ path: "solkit:board", namespace: "solkit" }));
      b.onLoad({ filter: /.*/, namespace: "solkit" }, () => ({ contents: `export default ${JSON.stringify(facts)};`, loader: "js" }));
    },
  };
}

/**
 * The bundle's text for `board` (nothing written): tests and the simulator run it as built.
 * @throws SolkitError E_UNSUPPORTED (not a node board, no limits, an ADC sensor), E_BUILD
 */
export async function nodeBundle(board: Board, outboxCapacity?: number): Promise<{ code: string; plan: StoragePlan; modules: { id: string; bytes: number }[] }> {
  if (board.target !== "node") throw new SolkitError("E_UNSUPPORTED", `node build: ${board.id} is a ${board.target} board`);
  if (!board.limits) throw new SolkitError("E_UNSUPPORTED", `${board.id} has no limits.storageBytes; the build cannot size its outbox`);
  const plan = planStorage(board, 0);
  const facts = nodeBoardFacts(board, outboxCapacity ?? plan.outboxCapacity);
  try {
    const r = await build({
      entryPoints: [ENTRY], bundle: true, platform: "node", target: "node20", format: "cjs", write: false, metafile: true,
      plugins: [boardPlugin(facts)],
      // ws (inside mqtt) tries these native speed-ups and carries on without them.
      external: ["bufferutil", "utf-8-validate"],
      banner: { js: `// solkit device program for ${board.id} (Node.js ${">="}20), built by solkit build` },
      logLevel: "silent", legalComments: "none",
    });
    const code = r.outputFiles[0].text;
    const out = Object.values(r.metafile.outputs)[0];
    const modules = Object.entries(out.inputs).map(([id, m]) => ({ id, bytes: m.bytesInOutput })).sort((a, b) => b.bytes - a.bytes);
    return { code, plan, modules };
  } catch (e) {
    throw new SolkitError("E_BUILD", `node build of ${board.id} failed: ${(e as Error).message}`);
  }
}

/** dist/<id>/firmware.cjs of the project (or of `outDir`): what `solkit service install` copies. */
export function nodeBundleFile(board: Board, outDir?: string): string {
  return join(outDir ?? join(REPO, "dist", board.id), "firmware.cjs");
}

/** Builds dist/<id>/firmware.cjs and report.json. @throws as nodeBundle */
export async function buildNodeFirmware(board: Board, outDir?: string): Promise<NodeBuildReport> {
  if (!board.buildable) throw new SolkitError("E_UNSUPPORTED", `${board.id} is not buildable yet: ${board.whyNotBuildable ?? "its target is not implemented"}`);
  const file = nodeBundleFile(board, outDir);
  const dir = dirname(file);
  const { code, plan, modules } = await nodeBundle(board);
  const report: NodeBuildReport = {
    board: board.id, target: "node", file: relative(REPO, file), bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code).length,
    modules: modules.slice(0, 10).map((m) => ({ id: m.id.replace(/^node_modules\//, "npm:"), bytes: m.bytes })),
    storage: plan, firmwareVersion: DEFAULT_DEVICE_CONFIG.firmwareVersion,
    needs: ["Node.js 20 or newer", "apt-get install gpiod (GPIO through the character device)", ...(board.pins.sensor ? ["apt-get install i2c-tools, and I2C enabled (raspi-config)"] : [])],
  };
  await mkdir(dir, { recursive: true });
  // Written aside and renamed: a build running beside another (parallel tests, a service install
  // while the host starts) never leaves a reader half a file.
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, code, { mode: 0o644 });
  await rename(tmp, file);
  await writeFile(join(dir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  return report;
}
