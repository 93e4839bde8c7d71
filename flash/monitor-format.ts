/**
 * How the monitor shows what it saw: one readable line per event for people (colour on a
 * terminal), or one JSON object per line for scripts.
 */
import { explain, readingJson, readingSummary, shortId } from "../host/verify/describe";
import type { MonitorEvent } from "./monitor";

const COLOURS = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2 } as const;

export interface FormatOptions {
  color: boolean;
  timestamp: boolean;
}

function paint(o: FormatOptions, c: keyof typeof COLOURS, s: string): string {
  return o.color ? `\x1b[${COLOURS[c]}m${s}\x1b[0m` : s;
}

function clock(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** The text line for an event (without its line end); undefined for events shown otherwise (raw, partial). */
export function formatEvent(e: MonitorEvent, o: FormatOptions): string | undefined {
  const ts = o.timestamp ? paint(o, "dim", clock(e.t)) + " " : "";
  switch (e.type) {
    case "log":
      return ts + e.text;
    case "bad-line":
      return ts + paint(o, "red", `✗ bad frame line  ${explain(e.code)}`) + (e.text ? paint(o, "dim", `  ${e.text.slice(0, 40)}…`) : "");
    case "port":
      return ts + paint(o, e.event === "lost" ? "yellow" : "green", `-- ${e.event === "open" ? "open" : e.event === "lost" ? "lost" : "back"}: ${e.detail}`);
    case "status":
      return ts + paint(o, "cyan", `-- status: ${e.summary}`);
    case "frame": {
      const v = e.verdict;
      const who = v.device ? `${shortId(v.device)}${e.name ? ` (${e.name})` : ""}` : "";
      const reg = v.device && !e.known ? paint(o, "yellow", "  not in registry") : "";
      if (v.kind === "reading" && v.reading) {
        const r = readingSummary(v.reading);
        const missed = e.missed ? paint(o, "yellow", `  (${e.missed} reading${e.missed === 1 ? "" : "s"} before it not seen: chain restarted here)`) : "";
        if (v.status === "valid") return ts + paint(o, "green", "✓") + ` ${r}  ${who}  ${paint(o, "dim", `signed at seq ${v.by}, chain ok`)}${reg}${missed}`;
        if (v.status === "duplicate") return ts + paint(o, "dim", `= ${r}  ${who}  re-sent (not acked yet)`);
        if (v.status === "unproven") return ts + paint(o, "yellow", "?") + ` ${r}  ${who}  ${v.reason ?? "no signature yet"}`;
        return ts + paint(o, "red", "✗") + ` ${r}  ${who}  ${paint(o, "red", explain(v.reason))}${reg}`;
      }
      const mark = v.status === "valid" ? paint(o, "green", "✓") : v.status === "invalid" ? paint(o, "red", "✗") : paint(o, "yellow", "?");
      return ts + `${mark} ${v.kind} ${who} ${v.reason ? explain(v.reason) : ""}`.trimEnd();
    }
    default:
      return undefined;
  }
}

/** The JSON object for an event (one per line with --json); undefined for partial lines. */
export function eventJson(e: MonitorEvent): Record<string, unknown> | undefined {
  const t = new Date(e.t).toISOString();
  switch (e.type) {
    case "log":
      return { t, type: "log", text: e.text };
    case "raw":
      return { t, type: "raw", text: e.text };
    case "bad-line":
      return { t, type: "bad-line", code: e.code, reason: explain(e.code) };
    case "port":
      return { t, type: "port", event: e.event, detail: e.detail };
    case "status":
      return { t, type: "status", ...e.status };
    case "frame": {
      const v = e.verdict;
      return {
        t, type: v.kind, status: v.status, device: v.device, known: e.known, name: e.name || undefined, missed: e.missed,
        signedBy: v.by, reason: v.reason, reading: v.reading ? readingJson(v.reading) : undefined,
      };
    }
    default:
      return undefined;
  }
}
