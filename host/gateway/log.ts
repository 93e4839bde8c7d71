/**
 * The gateway's log: one line per event, `<time> <level> <event> <text>`, so that every
 * rejection says why in a line an operator can grep. Keys and payload secrets never go here.
 */
export type Level = "debug" | "info" | "warn" | "error";

export interface LogEntry {
  level: Level;
  /** Short stable event name: reject, gap, ack, serial, upstream, spool, … */
  event: string;
  text: string;
}

export interface Logger {
  log(level: Level, event: string, text: string): void;
}

/** Writes lines to a stream (stderr for `solkit host`); debug only when verbose. */
export function streamLogger(write: (line: string) => void, verbose = false): Logger {
  return {
    log(level, event, text) {
      if (level === "debug" && !verbose) return;
      write(`${new Date().toISOString()} ${level.padEnd(5)} ${event} ${text}\n`);
    },
  };
}

/** Keeps entries in memory (tests), optionally passing them on. */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];
  private waiters: { pred: (e: LogEntry) => boolean; resolve: (e: LogEntry) => void }[] = [];

  constructor(private readonly next?: Logger) {}

  log(level: Level, event: string, text: string): void {
    const e = { level, event, text };
    this.entries.push(e);
    this.next?.log(level, event, text);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(e)) return true;
      w.resolve(e);
      return false;
    });
  }

  /** Entries whose event matches and whose text contains `part`. */
  find(event: string, part = ""): LogEntry[] {
    return this.entries.filter((e) => e.event === event && e.text.includes(part));
  }

  /** Resolves with the first entry (past or future) matching; rejects after `ms`. */
  waitFor(event: string, part = "", ms = 10_000): Promise<LogEntry> {
    const pred = (e: LogEntry) => e.event === event && e.text.includes(part);
    const hit = this.entries.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no log "${event}" containing "${part}" within ${ms} ms`)), ms);
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e)) });
    });
  }
}
