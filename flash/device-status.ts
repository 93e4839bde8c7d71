/**
 * The device's status text (firmware/console.ts, or console-tiny.ts on small boards) cut into
 * the few facts a technician acts on, for the monitor's one-line status (issue 11: a monitor
 * that shows nothing for ten minutes looks dead). Lines from the first ("solkit firmware 0.1.0,
 * boot 3, up 61 s" / "solkit 0.1.0 boot 3 up 61 s") to the last ("console: …").
 */

/** True for the first line of a status. */
export function isStatusStart(line: string): boolean {
  return /^>?solkit (firmware )?[0-9][0-9.]*,? boot \d+,? up \d+ s/.test(line);
}

/** True for the last line of a status. */
export function isStatusEnd(line: string): boolean {
  return /^>?console: /.test(line);
}

export interface DeviceStatus {
  id?: string;
  boot?: number;
  upS?: number;
  nextSeq?: number;
  /** Seconds left; -1 when unlocked for good. */
  creditS?: number;
  relayClosed?: boolean;
  outbox?: number;
  consoleLocked?: boolean;
  provisioned: boolean;
}

function num(re: RegExp, text: string): number | undefined {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The facts of one status text (both the full and the tiny form). */
export function parseStatus(text: string): DeviceStatus {
  const unlocked = /credit: unlocked/.test(text);
  return {
    id: /^id: (G[A-Z2-7]{55})$/m.exec(text)?.[1],
    boot: num(/boot (\d+)/, text),
    upS: num(/up (\d+) s/, text),
    nextSeq: num(/next seq (\d+)/, text),
    creditS: unlocked ? -1 : num(/credit: (\d+) s/, text),
    relayClosed: /relay:? (open|closed)/.exec(text)?.[1] === undefined ? undefined : /relay:? closed/.test(text),
    outbox: num(/outbox: (\d+)/, text),
    consoleLocked: /^console: (locked|open)/m.exec(text)?.[1] === undefined ? undefined : /^console: locked/m.test(text),
    provisioned: !/UNPROVISIONED/.test(text),
  };
}

/** One line: "seq 42 · credit 1h 5m · relay closed · outbox 3 · console locked". */
export function statusSummary(s: DeviceStatus): string {
  const parts: string[] = [];
  if (!s.provisioned) parts.push("UNPROVISIONED");
  if (s.nextSeq !== undefined) parts.push(`seq ${s.nextSeq}`);
  if (s.creditS !== undefined) parts.push(s.creditS < 0 ? "unlocked for good" : `credit ${duration(s.creditS)}`);
  if (s.relayClosed !== undefined) parts.push(`relay ${s.relayClosed ? "closed" : "open"}`);
  if (s.outbox !== undefined) parts.push(`outbox ${s.outbox}`);
  if (s.consoleLocked !== undefined) parts.push(`console ${s.consoleLocked ? "locked" : "open"}`);
  return parts.join(" · ");
}

function duration(s: number): string {
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}
