/**
 * Upload progress for people: a bar redrawn in place on a terminal, plain lines (every 10 %)
 * when stderr is a file or a pipe, so CI logs stay readable.
 */
import type { Progress } from "./upload";

function kib(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

export interface ProgressPrinter {
  update(p: Progress): void;
  /** Ends the bar's line. */
  done(): void;
}

/** A printer to `write` (stderr): a bar when `tty`, else a line per tenth. */
export function progressPrinter(write: (s: string) => void, tty: boolean, width = 30): ProgressPrinter {
  let lastTenth = -1;
  let drawn = false;
  return {
    update(p) {
      const frac = p.total > 0 ? p.done / p.total : 1;
      const rate = `${kib(p.bytesPerSecond)}/s`;
      const tail = `${kib(p.done)} / ${kib(p.total)}  ${rate}  chunk ${p.chunkBytes} B${p.retries ? `  ${p.retries} resent` : ""}`;
      if (tty) {
        const fill = Math.round(frac * width);
        write(`\r[${"#".repeat(fill)}${".".repeat(width - fill)}] ${String(Math.floor(frac * 100)).padStart(3)} %  ${tail}\x1b[K`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(frac * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        write(`upload ${String(tenth * 10).padStart(3)} %  ${tail}\n`);
      }
    },
    done() {
      if (drawn) write("\n");
      drawn = false;
    },
  };
}
