/**
 * The technician's console on the serial REPL: `status()` lines, and a small command
 * dispatcher for targets whose console hands the firmware text commands (Console.onCommand).
 * Keys never appear here: only the public id (G…) and whether the host key is set.
 *
 * Portable code: see docs/portability.md.
 */
import { encodePublicKey } from "../shared/crypto/strkey";
import { errorCode } from "../shared/protocol/common";
import { hasKey, isProvisioned, type Core } from "./core";
import { parseConsoleLine } from "./console-line";

function duration(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}h ${m}m ${s % 60}s`;
}

/** The status lines (joined with LF): id, credit, relay, energy, outbox, last ack, signer. */
export function statusText(core: Core): string {
  const lines: string[] = [];
  const now = core.hal.clock.uptimeMs();
  lines.push(`solkit firmware ${core.config.firmwareVersion}, boot ${core.state.boot}, up ${Math.floor(now / 1000)} s`);
  if (core.keyJob !== undefined) lines.push("making the device key: the id shows here when it is done");
  if (!hasKey(core)) {
    lines.push("UNPROVISIONED: no device key. Run solkit provision on the host (or solkit.provisionKey(false, <64 hex of entropy>)), then setHostKey(hex). Relay held open.");
  } else {
    lines.push(`id: ${encodePublicKey(core.identity.publicKey)}`);
  }
  if (hasKey(core) && !isProvisioned(core)) {
    lines.push("UNPROVISIONED: no host key. Run solkit.setHostKey(<64 hex>) over USB. Relay held open.");
  }
  if (!core.bootSaved) lines.push("STORE FAILED at boot: state not saved, relay held open");
  lines.push(`site: ${core.identity.site === "" ? "(not set)" : core.identity.site}`);
  const credit = core.credit.seconds();
  lines.push(`credit: ${core.state.unlocked ? "unlocked for good" : `${credit} s left (${duration(credit)})`}`);
  lines.push(`relay: ${core.hal.relay.isClosed() ? "closed (load on)" : "open (load off)"}`);
  lines.push(`energy: in ${core.meter.energyIn} mWh, out ${core.meter.energyOut} mWh`);
  lines.push(`readings: next seq ${core.nextSeq}, every ${core.state.intervalS} s, signed every ${core.state.signEvery}`);
  const ob = core.outbox;
  lines.push(`outbox: ${ob.depth} unacked (capacity ${ob.segments * ob.slots}), newest seq ${ob.tipSeq}, dropped ${core.stats.dropped} since boot`);
  lines.push(core.acks.lastSeq < 0 ? "last ack: none since boot" : `last ack: seq ${core.acks.lastSeq}, ${Math.floor((now - core.acks.lastMs) / 1000)} s ago`);
  const link = core.hal.link;
  lines.push(`link: ${link.isUp() ? "up" : "down"}${link.describe === undefined ? "" : ` (${link.describe()})`}, ${core.stats.txLines} lines sent`);
  lines.push(`signer: ${core.signer === undefined ? "no key" : core.signer.describe()}`);
  lines.push(`tokens: last counter ${core.state.tokenCounter}`);
  lines.push(`console: ${core.hal.console.isLocked() ? "locked (a maintenance token opens it)" : "open"}`);
  return lines.join("\n");
}

/** What the console dispatcher can call; app.ts passes the device's handlers. */
export interface Commands {
  status(): string;
  provisionKey(force?: boolean, hostEntropyHex?: string): string;
  setHostKey(hex: string, macHex?: string): string;
  setSite(name: string): string;
  setConfig(intervalS: number, signEvery: number, creditWarnS?: number): string;
  flush(): void;
  /** A downlink body, as solkit.rx(…) gives it. */
  rx(body: string): string;
  /** Locks the console now (the end of provisioning or maintenance). */
  lock(): void;
}

/** The answer to anything a locked console does not run. */
export const LOCKED_TEXT = "console locked: only status, flush and the host's frames run here; open it with a maintenance token from the host: solkit console open --port <port>";

/** Runs one line typed while the console is locked (console-line.ts); returns what to print. */
export function lockedLine(cmds: Commands, line: string): string {
  const c = parseConsoleLine(line);
  if (c === undefined) return LOCKED_TEXT;
  if (c.name === "rx") {
    cmds.rx(c.body); // silent, as on the REPL: the device logs what it did
    return "";
  }
  if (c.name === "status") return cmds.status();
  if (c.name === "flush") {
    cmds.flush();
    return "";
  }
  return "console locked"; // lock: it is already
}

function toInt(s: string): number {
  let v = 0;
  if (s.length === 0) return -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/**
 * Runs one text command: `status`, `provision-key [force] <entropy hex>`, `host-key <hex>`, `site <name>`,
 * `config <intervalS> <signEvery> [creditWarnS]`, `flush`. Returns the answer; never throws.
 */
export function runCommand(cmds: Commands, line: string): string {
  const words = line.split(" ").filter(function (w: string): boolean {
    return w.length > 0;
  });
  const name = words.length > 0 ? words[0] : "";
  try {
    if (name === "status") return cmds.status();
    if (name === "provision-key") {
      // provision-key [force] <64 hex of host entropy>
      const force = words.length > 1 && words[1] === "force";
      const hex = words.length > (force ? 2 : 1) ? words[force ? 2 : 1] : undefined;
      return cmds.provisionKey(force, hex);
    }
    if (name === "host-key" && (words.length === 2 || words.length === 3)) return cmds.setHostKey(words[1], words[2]);
    if (name === "site" && words.length === 2) return cmds.setSite(words[1]);
    if (name === "config" && (words.length === 3 || words.length === 4)) {
      return cmds.setConfig(toInt(words[1]), toInt(words[2]), words.length === 4 ? toInt(words[3]) : undefined);
    }
    if (name === "flush") {
      cmds.flush();
      return "ok";
    }
  } catch (e) {
    return `error ${errorCode(e)}: ${(e as Error).message}`;
  }
  return "commands: status | provision-key [force] <64 hex entropy> | host-key <64 hex> [old key's MAC] | site <name> | config <intervalS> <signEvery> [creditWarnS] | flush";
}
