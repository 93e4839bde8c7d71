/**
 * The real-interpreter tier's helpers: a board's Linux twin built once per file, real boards
 * that are always powered off after a test, a REPL session opened and closed around a few
 * calls, the gateway on the board's pty, and a probe that the firmware cannot see which
 * records the longest event-loop block and the most variables in use on the real clock.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Board } from "../../boards/board-type";
import type { BuildReport } from "../../toolchain/firmware";
import { cachedBundle, cachedFirmware } from "../build-cache";
import { defaultConfig } from "../../host/gateway/config";
import { startGateway, type Gateway } from "../../host/gateway/gateway";
import { MemoryLogger } from "../../host/gateway/log";
import { closePort, openPort } from "../../flash/port-open";
import { ReplSession, type CallResult } from "../../flash/repl-session";
import { interpreterFor } from "../../simulator/real-espruino/interpreter";
import { linuxTwin } from "../../simulator/real-espruino/linux-twin";
import { RealBoard } from "../../simulator/real-espruino/real-board";

export const BAUD = 115_200;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * The board's Linux twin built into a temporary folder: its bundle, and the build report when
 * `solkit build` makes one. The Pico is not buildable yet (its tiny bundle is over what
 * planStorage allows: test/firmware/espruino-pico-bundle.test.ts), so for it the build's
 * own pass makes the tiny bundle with a two-segment outbox, as the emulation's Pico test does.
 */
export async function buildTwin(board: Board): Promise<{ twin: Board; code: string; report?: BuildReport }> {
  const twin = linuxTwin(board);
  try {
    const built = await cachedFirmware(twin);
    return { twin, code: built.code, report: built.report };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== "E_TOO_BIG" && !(code === "E_UNSUPPORTED" && board.target === "espruino")) throw e;
    return { twin, code: await cachedBundle(twin, "tiny", 32) };
  }
}

/** Real boards made in a test, all powered off (and their folders removed) by `cleanup`. */
export class Bench {
  private boards: { b: RealBoard; dir: string }[] = [];
  private gateways: Gateway[] = [];
  private dirs: string[] = [];

  /** A temporary folder removed by cleanup(). */
  tmp(prefix: string): string {
    const d = tempDir(prefix);
    this.dirs.push(d);
    return d;
  }

  async board(board: Board, dir = tempDir(`solkit-real-${board.id}-`)): Promise<RealBoard> {
    const b = new RealBoard({ bin: interpreterFor(board), dir });
    this.boards.push({ b, dir });
    await b.powerOn();
    return b;
  }

  /** The gateway on `path` with `database` (the registry provisioning filled), no broker. */
  async gateway(path: string, database: string): Promise<{ gw: Gateway; log: MemoryLogger }> {
    const log = new MemoryLogger();
    const cfg = {
      ...defaultConfig(this.tmp("solkit-real-gw-")),
      database,
      devices: { none: true } as const,
      upstream: { url: "mqtt://127.0.0.1:1", rejectUnauthorized: true },
      serial: { discover: false, ports: [{ path, baudRate: BAUD }], retryMs: 200 },
      health: { enabled: false, host: "127.0.0.1", port: 0 },
    };
    const gw = await startGateway(cfg, { logger: log });
    this.gateways.push(gw);
    return { gw, log };
  }

  async stopGateway(gw: Gateway): Promise<void> {
    this.gateways = this.gateways.filter((g) => g !== gw);
    await gw.stop();
  }

  async cleanup(): Promise<void> {
    for (const gw of this.gateways.splice(0)) await gw.stop();
    for (const { b, dir } of this.boards.splice(0)) {
      await b.powerOff();
      rmSync(dir, { recursive: true, force: true });
    }
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

/** Opens the board's pty, runs `fn` with a REPL session and every line the board prints, closes it. */
export async function withRepl<T>(path: string, fn: (s: ReplSession, lines: string[]) => Promise<T>): Promise<T> {
  const port = await openPort(path, BAUD);
  const lines: string[] = [];
  try {
    const s = new ReplSession(port, BAUD);
    s.onLine((l) => lines.push(l));
    return await fn(s, lines);
  } finally {
    await closePort(port);
  }
}

/** A call that must answer. @throws Error with the board's answer otherwise */
export async function call(s: ReplSession, expr: string, timeoutMs = 30_000): Promise<unknown> {
  const r: CallResult = await s.call(expr, timeoutMs);
  if (!r.ok) throw new Error(`${expr.slice(0, 60)} → ${String(r.value).slice(0, 200)}`);
  return r.value;
}

export { PROBE_INSTALL, PROBE_READ } from "../../simulator/real-espruino/probe";
