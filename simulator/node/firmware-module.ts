/**
 * The Node target's built bundle (dist/<id>/firmware.cjs) as a module: the very file a Pi runs,
 * required instead of run, gives its board facts and startNodeDevice (firmware/targets/node/
 * main.ts). The simulator types only what it calls, so it stays apart from firmware/.
 */
import { createRequire } from "node:module";

/** The HAL parts the simulator hands the program (firmware/targets/node/device.ts NodeDeviceParts). */
export interface NodeFirmware {
  board: {
    id: string;
    relay: { pin: string; activeHigh: boolean }[];
    meter: { pin: string; edge: string; pull: string; debounceMs: number } | undefined;
    ina219: { address: number; shuntMilliohms: number; bus: number } | undefined;
    storageBytes: number;
    config: Record<string, unknown>;
  };
  startNodeDevice(parts: Record<string, unknown>): {
    device: { stop(): void; provisionKey(force?: boolean, entropyHex?: string): string; setHostKey(hex: string): string; setConfig(i: number, s: number): string };
    input(line: string): string;
    stop(): void;
  };
}

const loaded = new Map<string, NodeFirmware>();

/** Compiles the bundle once per text. @throws Error when it is not a Node target bundle */
export function loadNodeFirmware(code: string): NodeFirmware {
  const hit = loaded.get(code);
  if (hit !== undefined) return hit;
  const mod = { exports: {} as Record<string, unknown> };
  const req = createRequire(import.meta.url);
  new Function("module", "exports", "require", code)(mod, mod.exports, req);
  const fw = mod.exports as unknown as NodeFirmware;
  if (typeof fw.startNodeDevice !== "function" || typeof fw.board !== "object") throw new Error("not a Node target bundle (no startNodeDevice): build it with solkit build --board rpi4");
  loaded.set(code, fw);
  return fw;
}
