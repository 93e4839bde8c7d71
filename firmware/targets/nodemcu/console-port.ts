/**
 * The NodeMCU console and its lock (issue 11): NodeMCU hands serial input to the Lua
 * interpreter unless uart.on("data", …, 0) takes it — with run_input 0 no typed line is ever
 * run as Lua. Locked, each line goes to the firmware's own parser (console-line.ts); opened by
 * a maintenance token or the provisioning window, uart.on("data") gives the REPL back.
 */
import type { Console, Timers } from "../../hal";

/**
 * NodeMCU's downlink line is `solkit_rx("…")` (PROTOCOL.md 5.3: a global function the Lua REPL
 * runs); the shared locked-console parser knows Espruino's `solkit.rx("…")`. Same call, one name.
 */
function asShared(line: string): string {
  const at = line.indexOf("solkit_rx(");
  if (at < 0) return line;
  for (let i = 0; i < at; i++) if (line.charCodeAt(i) > 32) return line; // not at the start: not a downlink line
  return line.substring(0, at) + "solkit.rx(" + line.substring(at + 10);
}

export function nodemcuConsole(timers: Timers): { console: Console; run: (line: string) => string } {
  let onCommand: (line: string) => string = function (): string {
    return "";
  };
  let onLocked: (line: string) => string = function (): string {
    return "";
  };
  let locked = false;
  let relock = -1;
  function lock(): void {
    if (relock >= 0) timers.cancel(relock);
    relock = -1;
    locked = true;
    uart.on("data", "\n", function (line: string): void {
      const answer = onLocked(asShared(line));
      if (answer !== "") print(answer);
    }, 0);
  }
  const console: Console = {
    log: function (text: string): void {
      print(text);
    },
    onCommand: function (h: (line: string) => string): void {
      onCommand = h;
    },
    onLockedLine: function (h: (line: string) => string): void {
      onLocked = h;
    },
    lock: function (): void {
      lock();
    },
    open: function (seconds: number): void {
      locked = false;
      uart.on("data");
      if (relock >= 0) timers.cancel(relock);
      relock = timers.after(seconds * 1000, function (): void {
        relock = -1;
        lock();
        print("console locked again");
      });
    },
    isLocked: function (): boolean {
      return locked;
    },
  };
  return {
    console: console,
    // The REPL's solkit.cmd("…"): a text command for the device's dispatcher (firmware/console.ts).
    run: function (line: string): string {
      return onCommand(line);
    },
  };
}
