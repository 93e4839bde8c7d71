/**
 * The "tiny" profile's console (toolchain/firmware-profile.ts swaps it in for console.ts on
 * boards whose Storage cannot hold the full one, e.g. the Espruino Pico). Same exports, fewer
 * words: the status keeps every line a host or technician acts on — the `id: G…` line, the
 * UNPROVISIONED and STORE FAILED warnings, `site: …` (flash/provision.ts reads these three
 * back) and the numbers (credit, relay, energy, outbox, last ack) — in short form, and the
 * text dispatcher knows only `status`: on a serial-only board the REPL calls the device's
 * functions directly (solkit.provisionKey(), solkit.setHostKey(…), …).
 *
 * Portable code: see docs/portability.md.
 */
import { encodePublicKey } from "../shared/crypto/strkey";
import { hasKey, isProvisioned, type Core } from "./core";
import { parseConsoleLine } from "./console-line";

/** The status lines (joined with LF), short form of console.ts's statusText. */
export function statusText(core: Core): string {
  const ob = core.outbox;
  const now = core.hal.clock.uptimeMs();
  const lines: string[] = [`solkit ${core.config.firmwareVersion} boot ${core.state.boot} up ${Math.floor(now / 1000)} s`];
  if (!hasKey(core)) lines.push("UNPROVISIONED: no device key. Relay held open.");
  else lines.push(`id: ${encodePublicKey(core.identity.publicKey)}`);
  if (hasKey(core) && !isProvisioned(core)) lines.push("UNPROVISIONED: no host key. Relay held open.");
  if (!core.bootSaved) lines.push("STORE FAILED at boot: relay held open");
  lines.push(`site: ${core.identity.site === "" ? "(not set)" : core.identity.site}`);
  lines.push(`credit: ${core.state.unlocked ? "unlocked" : `${core.credit.seconds()} s`}, relay ${core.hal.relay.isClosed() ? "closed" : "open"}`);
  lines.push(`energy: in ${core.meter.energyIn} out ${core.meter.energyOut} mWh, next seq ${core.nextSeq}`);
  lines.push(`outbox: ${ob.depth}/${ob.segments * ob.slots}, tip ${ob.tipSeq}, last ack ${core.acks.lastSeq}, dropped ${core.stats.dropped}`);
  lines.push(`tokens: last counter ${core.state.tokenCounter}`);
  lines.push(`console: ${core.hal.console.isLocked() ? "locked" : "open"}`);
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
  rx(body: string): string;
  lock(): void;
}

/** console.ts's lockedLine: the same calls, a shorter refusal (it starts as flash/ expects). */
export function lockedLine(cmds: Commands, line: string): string {
  const c = parseConsoleLine(line);
  if (c === undefined) return "console locked: use solkit console open";
  if (c.name === "rx") cmds.rx(c.body);
  else if (c.name === "flush") cmds.flush();
  else if (c.name === "status") return cmds.status();
  else return "console locked";
  return "";
}

/** Runs one text command: only `status`; anything else answers with the REPL calls to use. Never throws. */
export function runCommand(cmds: Commands, line: string): string {
  if (line.split(" ").join("") === "status") return cmds.status();
  return "commands: status; or call solkit.provisionKey(force,entropyHex) setHostKey(hex) setSite(name) setConfig(s,n) flush()";
}
