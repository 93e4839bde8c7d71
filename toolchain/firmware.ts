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
import { SolkitError } from "../shared/errors";
import { DEFAULT_DEVICE_CONFIG } from "../firmware/config";
import { buildEspruinoBundle } from "./espruino";
import { estimateVars, planStorage, type StoragePlan } from "./firmware-plan";
import { type BuildProfile, PROFILES, PROFILE_OUTPUT, PROFILE_RAM_BYTES, moduleSwaps, swapPlugin } from "./firmware-profile";
import { reservedPropertyNames } from "./mangle-reserved";
import { countSyntax } from "./syntax-counts";
import { companionBytes, companionFiles } from "./companion-files";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ENTRY = join(REPO, "firmware", "targets", "espruino", "main.ts");
/** Share of the board's variables the program may hold at rest (the rest is the heap's run-time churn). */
const VARS_SHARE = 0.75;

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
  /** The build profile (toolchain/firmware-profile.ts) and why it was chosen. */
  profile: BuildProfile;
  profileReason: string;
  /** Portable hashes left out for the board's native ones. */
  nativeHashes: string[];
  /** Storage files the bundle reads, installed beside it by every flasher (companion-files.ts). */
  companionFiles: { name: string; bytes: number }[];
}

/** Options of `buildFirmware`. */
export interface FirmwareBuildOptions {
  /** Output folder (default dist/<id>). */
  outDir?: string;
  /** Force a profile; by default the first of PROFILES whose bundle fits the board. */
  profile?: BuildProfile;
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
      trustedRng: board.trustedRng === true,
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
  checkTarget(board);
}

/** What a measuring pass needs of a board (a board not buildable yet may still be measured). */
function checkTarget(board: Board): void {
  if (board.target !== "espruino") throw new SolkitError("E_UNSUPPORTED", `solkit build: target ${board.target} unsupported (board ${board.id})`);
  if (board.pins.sensor && board.pins.sensor.kind !== "adc") {
    throw new SolkitError("E_UNSUPPORTED", `${board.pins.sensor.kind} sensor unsupported on espruino (board ${board.id})`);
  }
  if (!board.limits || !board.limits.jsVars) throw new SolkitError("E_UNSUPPORTED", `${board.id} has no limits.jsVars; the build cannot check it fits`);
}

/**
 * One pass: the bundle of `profile` with the board facts and an outbox of `outboxCapacity`
 * (exported for tests that run a profile's bundle on an emulated board it does not fit yet).
 * @throws SolkitError E_BUILD, E_ESPRUINO_FEATURE as buildEspruinoBundle
 */
export function bundle(board: Board, profile: BuildProfile, outboxCapacity: number, outFile?: string) {
  return buildEspruinoBundle({
    entry: ENTRY, outFile, globalName: "solkitFirmware",
    plugins: [swapPlugin(moduleSwaps(profile, board)), boardModule(board, outboxCapacity)],
    stripErrorMessages: PROFILE_OUTPUT[profile].stripErrorMessages,
    mangleReserved: PROFILE_OUTPUT[profile].mangleProperties ? reservedPropertyNames() : undefined,
  });
}

/** What a profile's bundle leaves of the board, from a measuring pass (nothing written). */
/** Hours of readings a board should keep through an outage (issue 4's unplugged-cable scenario: 6 h). */
export const MIN_OFFLINE_HOURS = 6;

export interface ProfileFit {
  profile: BuildProfile;
  /** Bytes of the bundle (with an empty outbox embedded) and its gzip size. */
  bytes: number;
  gzipBytes: number;
  plan: StoragePlan;
  /** Static variable estimate at rest (estimateVars). */
  estimate: number;
  /** Why the board cannot take it; undefined when it fits. */
  problem: string | undefined;
}

/**
 * Bundles `profile` for `board` and measures it against the board's Storage and variables.
 * @throws SolkitError E_UNSUPPORTED, E_BUILD, E_ESPRUINO_FEATURE as buildFirmware
 */
export async function measureProfile(board: Board, profile: BuildProfile): Promise<ProfileFit> {
  checkTarget(board);
  const code = (await bundle(board, profile, 0)).code;
  const plan = planStorage(board, code.length + 16 + companionBytes(code));
  const budget = board.limits!.jsVars!;
  const estimate = estimateVars(countSyntax(code), PROFILE_RAM_BYTES[profile] + plan.outboxCapacity * 2);
  let problem: string | undefined = undefined;
  if (!plan.fits) problem = plan.problem ?? "bundle too big";
  else if (estimate > budget * VARS_SHARE) {
    problem = `the program needs about ${estimate} variables at rest, over ${VARS_SHARE * 100} % of ${board.id}'s ${budget}`;
  }
  return { profile, bytes: code.length, gzipBytes: gzipSync(code).length, plan, estimate, problem };
}

/**
 * Builds the firmware of `board` into `options.outDir` (default dist/<id>): the first profile
 * of PROFILES whose bundle fits the board's Storage (with at least two outbox segments) and
 * variables, or the one `options.profile` forces.
 * @throws SolkitError E_UNSUPPORTED (board or feature not buildable), E_BUILD, E_ESPRUINO_FEATURE,
 *   E_TOO_BIG (no profile fits: the message gives each profile's bundle bytes and problem)
 */
/** Where a build writes firmware.js and report.json: `outDir`, or dist/<board> of the project. */
export function buildDir(board: Board, outDir?: string): string {
  return outDir ?? join(REPO, "dist", board.id);
}

export async function buildFirmware(board: Board, outDirOrOptions?: string | FirmwareBuildOptions): Promise<BuildReport> {
  checkBuildable(board);
  const options: FirmwareBuildOptions = typeof outDirOrOptions === "string" ? { outDir: outDirOrOptions } : outDirOrOptions ?? {};
  const dir = buildDir(board, options.outDir);
  const tried = options.profile !== undefined ? [options.profile] : PROFILES;
  // Pass 1 measures each profile's bundle; pass 2 embeds the outbox size its leftover Storage allows.
  const failures: string[] = [];
  let chosen: ProfileFit | undefined = undefined;
  let roomiest: ProfileFit | undefined = undefined;
  for (const profile of tried) {
    const f = await measureProfile(board, profile);
    if (f.problem !== undefined) {
      failures.push(`profile ${profile} (${f.bytes} bytes): ${f.problem}`);
      continue;
    }
    // A meter must ride out an outage: the fastest profile whose outbox lasts MIN_OFFLINE_HOURS
    // wins; when none does, the one with the largest outbox.
    if (f.plan.offlineHours >= MIN_OFFLINE_HOURS) {
      chosen = f;
      break;
    }
    failures.push(`profile ${profile} fits but its outbox lasts ${f.plan.offlineHours.toFixed(1)} h offline`);
    if (roomiest === undefined || f.plan.outboxCapacity > roomiest.plan.outboxCapacity) roomiest = f;
  }
  if (chosen === undefined) chosen = roomiest;
  if (chosen === undefined) {
    throw new SolkitError("E_TOO_BIG", `${board.id}: no build profile fits. ${failures.join("; ")}`);
  }
  const f = chosen;
  const profile = f.profile;
  const file = join(dir, "firmware.js");
  const built = await bundle(board, profile, f.plan.outboxCapacity, file);
  const bytes = Buffer.byteLength(built.code);
  const estimate = estimateVars(countSyntax(built.code), PROFILE_RAM_BYTES[profile] + f.plan.outboxCapacity * 2);
  const budget = board.limits!.jsVars!;
  const report: BuildReport = {
    board: board.id,
    target: board.target,
    file: relative(REPO, file),
    bytes,
    gzipBytes: gzipSync(built.code).length,
    modules: built.modules.slice(0, 10).map((m) => ({ id: relative(REPO, m.id.replace(/^\0/, "")), bytes: m.bytes })),
    storage: { ...f.plan, codeBytes: bytes + companionBytes(built.code) },
    vars: {
      estimate,
      budget,
      fits: estimate <= budget * VARS_SHARE,
      method: "static: 3 per function, 1 per property and declaration, buffers at 12 bytes per variable; keep under 75 % of the budget for the heap's run-time churn",
    },
    firmwareVersion: DEFAULT_DEVICE_CONFIG.firmwareVersion,
    profile,
    profileReason: options.profile !== undefined ? "forced (--profile)" : failures.length === 0 ? "the fastest profile, and it fits" : `${chosen === roomiest ? "the largest outbox of the profiles that fit" : "the fastest that fits"}; ${failures.join("; ")}`,
    nativeHashes: board.nativeHashes ?? [],
    companionFiles: companionFiles(built.code).map((c) => ({ name: c.name, bytes: c.data.length })),
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  if (!report.vars.fits) {
    throw new SolkitError("E_TOO_BIG", `${board.id}: the program needs about ${estimate} variables at rest, over 75 % of the board's ${budget} (report: ${relative(REPO, join(dir, "report.json"))})`);
  }
  return report;
}
