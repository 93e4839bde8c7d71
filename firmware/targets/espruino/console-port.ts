/**
 * The serial console and its lock on Espruino (issue 11). Locked, the REPL sits on LoopbackA
 * (`setConsole(true)`: forced, so a USB, Telnet or Bluetooth connection cannot pull it back)
 * and the physical port's bytes arrive as 'data' events that this module cuts into lines for
 * the firmware's own handler — the interpreter never sees them, Ctrl-C included. Everything
 * the program prints still reaches the port: what the REPL writes to LoopbackA comes out of
 * LoopbackB and is copied to the port. Open (a maintenance token, the end of provisioning),
 * the port is the console again until the window closes or the board restarts.
 *
 * Why not E.setPassword/E.lockConsole: a password is one fixed secret that crosses the very
 * cable the attacker holds and works again whenever it is replayed; a maintenance token is
 * MAC'd for this device and usable once (its counter). Measured on the real interpreter
 * (test/device/console-lock.test.ts).
 */
import type { Console } from "../../hal";
import { MAX_CONSOLE_LINE } from "../../console-line";

/**
 * The port the console is on: Serial1 behind a UART bridge (ESP32), else USB (Pico, WiFi;
 * "Limbo" at boot). The Linux build's serial line is its telnet console (the real-interpreter
 * boards, simulator/real-espruino): at a cold start its console is still stdin, so Telnet is
 * chosen by the build's name, not by where the console happens to be then.
 */
function physicalPort(): EspruinoSerial {
  const name = E.getConsole();
  if (name === "Telnet" || (process.env.BOARD === "LINUX" && typeof Telnet !== "undefined")) return Telnet;
  return name === "Serial1" || typeof USB === "undefined" ? Serial1 : (USB as EspruinoSerial);
}

/** Refusals answered per second, at most. */
const REFUSALS = 5;

/** A line with something printable in it (a Ctrl-C or a bare Enter gets no answer). */
function visible(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) > 32) return true;
  return false;
}

export function espruinoConsole(): { console: Console; run: (line: string) => string } {
  let commandHandler: ((command: string) => string) | undefined = undefined;
  let lineHandler: ((line: string) => string) | undefined = undefined;
  let port: EspruinoSerial | undefined = undefined;
  let locked = false;
  let relock: number | undefined = undefined;
  let buf = "";
  let dropping = false;
  let windowAt = -1000;
  let refusals = 0;

  function onData(data: string): void {
    if (!locked) return;
    buf += data;
    for (;;) {
      let end = buf.indexOf("\n");
      const cr = buf.indexOf("\r");
      if (cr >= 0 && (end < 0 || cr < end)) end = cr;
      if (end < 0) break;
      const line = buf.substring(0, end);
      buf = buf.substring(end + 1);
      if (!dropping && visible(line) && lineHandler !== undefined) {
        const answer = lineHandler(line);
        // A refusal is ~150 bytes for a line of two: at most REFUSALS a second, or a stream of
        // short lines would fill the output buffer and stall the loop (Espruino waits for room).
        // A tool's few calls in a row (an interrupt, a probe) are all answered.
        const t = getTime() * 1000;
        if (t - windowAt >= 1000) {
          windowAt = t;
          refusals = 0;
        }
        const refusal = answer.indexOf("console locked:") === 0;
        if (answer !== "" && (!refusal || refusals < REFUSALS)) console.log(answer);
        if (refusal) refusals++;
      }
      dropping = false;
    }
    // A line longer than any command is noise or an attack on memory: drop it up to its end.
    if (buf.length > MAX_CONSOLE_LINE) {
      buf = "";
      dropping = true;
    }
  }

  function cancelRelock(): void {
    if (relock !== undefined) clearTimeout(relock);
    relock = undefined;
  }

  function lock(): void {
    cancelRelock();
    if (locked) return;
    if (port === undefined) {
      const p = physicalPort();
      port = p;
      LoopbackB.on("data", function (d: string): void {
        p.write(d);
      });
      p.on("data", onData);
    }
    buf = "";
    dropping = false;
    locked = true;
    LoopbackA.setConsole(true);
  }

  return {
    console: {
      log: function (text: string): void {
        console.log(text);
      },
      onCommand: function (h: (command: string) => string): void {
        commandHandler = h;
      },
      onLockedLine: function (h: (line: string) => string): void {
        lineHandler = h;
      },
      lock: lock,
      open: function (seconds: number): void {
        cancelRelock();
        if (locked && port !== undefined) port.setConsole(false); // not forced: USB may move it as usual
        locked = false;
        relock = setTimeout(function (): void {
          relock = undefined;
          lock();
        }, seconds * 1000);
      },
      isLocked: function (): boolean {
        return locked;
      },
    },
    run: function (line: string): string {
      return commandHandler === undefined ? "not started" : commandHandler(line);
    },
  };
}
