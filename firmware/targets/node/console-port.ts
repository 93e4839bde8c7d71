/**
 * The Node target's console: log lines to stdout (journald keeps them on a Pi), command lines
 * in from whoever the program reads (stdin, the local control socket). There is no REPL to
 * hide, but the lock means the same as on a board: while locked, only the lines the locked
 * console runs (status, flush, the host's frames: firmware/console-line.ts) do anything;
 * provisioning commands need the console open (a maintenance token, or the provisioning window).
 */
import type { Console, Timers } from "../../hal";

export interface NodeConsole {
  console: Console;
  /** One typed line; returns the answer ("" for none). */
  input(line: string): string;
}

export function nodeConsole(timers: Timers, out: (text: string) => void): NodeConsole {
  let onCommand: (line: string) => string = () => "";
  let onLocked: (line: string) => string = () => "";
  let locked = false;
  let relock = -1;
  const console: Console = {
    log: (text) => out(text),
    onCommand(h) {
      onCommand = h;
    },
    onLockedLine(h) {
      onLocked = h;
    },
    lock() {
      if (relock >= 0) timers.cancel(relock);
      relock = -1;
      locked = true;
    },
    open(seconds) {
      locked = false;
      if (relock >= 0) timers.cancel(relock);
      relock = timers.after(seconds * 1000, () => {
        relock = -1;
        locked = true;
        out("console locked again");
      });
    },
    isLocked: () => locked,
  };
  return {
    console,
    input(line) {
      const l = line.replace(/\r$/, "");
      if (l.trim() === "") return "";
      return locked ? onLocked(l) : onCommand(l);
    },
  };
}
