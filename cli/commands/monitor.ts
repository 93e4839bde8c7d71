import { appendFileSync } from "node:fs";
import type { RegisterCommand } from "../command";
import { CliError, EXIT_FAILED, EXIT_OK } from "../errors";
import type { Output } from "../output";
import { registryDatabase } from "../host-database";
import { Monitor, type MonitorEvent } from "../../flash/monitor";
import { eventJson, formatEvent } from "../../flash/monitor-format";
import { cliError } from "./flash";
import { isPublicKey } from "../../shared/crypto/strkey";
import { summary as commandSummary } from "../command-list";

interface MonitorOpts {
  port: string;
  baud: string;
  timestamp?: boolean;
  log?: string;
  raw?: boolean;
  duration?: string;
  config?: string;
  status: string;
  filter?: string;
  echo?: boolean;
}

/** Ctrl-]: the quit key of telnet, miniterm and pio device monitor. */
const QUIT = 0x1d;

const EXAMPLES = `
Examples:
  $ solkit monitor --port /dev/ttyUSB0
  $ solkit monitor --port /dev/ttyACM0 --baud 9600 --timestamp --log site7.log
  $ solkit monitor --port /dev/ttyUSB0 --json --duration 60 | jq 'select(.type=="reading")'
  $ solkit monitor --port /dev/ttyUSB0 --filter frames          readings and their verdicts only
  $ solkit monitor --port /dev/ttyUSB0 --filter logs --echo     the board's own lines, and what you type

Log lines show as the board prints them; frames become one line each (sequence, energy,
power, relay, credit, ✓/✗ for signature and hash chain, and whether the device is in the
registry). Typed lines go to the board's REPL. Ctrl-] quits. A pulled cable is waited for.
On connect and every minute (--status) the device's status shows as one line.
Exit 0, or 1 when a reading failed verification.`;

/** Writes events to the terminal, a pipe or a log file, keeping a half line (prompt, echo) redrawable. */
function printer(out: Output, opts: MonitorOpts): (e: MonitorEvent) => void {
  const tty = Boolean(process.stdout.isTTY) && !out.jsonMode;
  let partialShown = false;
  const write = (s: string) => process.stdout.write(s);
  return (e) => {
    if (e.type === "frame-line") return; // the terminal shows the verdict instead
    if (out.jsonMode) {
      const j = eventJson(e);
      if (j) out.json(j);
      return;
    }
    if (e.type === "raw") return void write(e.text);
    if (e.type === "partial") {
      if (!tty) return;
      write(`\r\x1b[K${e.text}`);
      partialShown = true;
      return;
    }
    const line = formatEvent(e, { color: out.color, timestamp: Boolean(opts.timestamp) });
    if (line === undefined) return;
    if (partialShown) write("\r\x1b[K");
    partialShown = false;
    write(line + "\n");
  };
}

type Filter = { kind: "all" } | { kind: "frames" } | { kind: "logs" } | { kind: "device"; id: string };

/** @throws CliError for anything but frames, logs or a device id */
function parseFilter(text: string | undefined): Filter {
  if (text === undefined) return { kind: "all" };
  if (text === "frames" || text === "logs") return { kind: text };
  if (isPublicKey(text)) return { kind: "device", id: text };
  throw new CliError(`--filter expects frames, logs or a device id G…, got "${text.slice(0, 60)}"`);
}

/** Whether the terminal shows `e` under `f` (port events always: a pulled cable matters to all). */
function passes(f: Filter, e: MonitorEvent): boolean {
  if (f.kind === "all" || e.type === "port") return true;
  if (f.kind === "logs") return e.type === "log" || e.type === "partial" || e.type === "raw" || e.type === "status";
  if (f.kind === "frames") return e.type === "frame" || e.type === "bad-line" || e.type === "frame-line";
  return (e.type === "frame" && e.verdict.device === f.id) || (e.type === "status" && e.status.id === f.id);
}

/**
 * --log keeps everything, whatever the terminal shows. Frame lines go in verbatim (issue 11), so
 * `solkit verify FILE` can check the log later; the verdicts beside them are timestamped text,
 * which verify skips as log lines.
 */
function appendLog(file: string, e: MonitorEvent): void {
  const plain = e.type === "raw" || e.type === "frame-line" ? e.text : formatEvent(e, { color: false, timestamp: true });
  if (plain !== undefined && e.type !== "partial") appendFileSync(file, e.type === "raw" ? plain : plain + "\n");
}

/** `solkit monitor --port <path>`. */
export const registerMonitor: RegisterCommand = (program, ctx) => {
  program
    .command("monitor")
    .description(commandSummary("monitor"))
    .requiredOption("-p, --port <path>", "serial port (see 'solkit ports')")
    .option("--baud <rate>", "baud rate", "115200")
    .option("-t, --timestamp", "prefix lines with the time they arrived")
    .option("--log <file>", "also append every line (timestamped, no colour) to FILE, frame lines verbatim: 'solkit verify FILE' checks it again")
    .option("--raw", "bytes as they come, nothing decoded")
    .option("--duration <seconds>", "quit after this long (for scripts and CI)")
    .option("-c, --config <file>", "gateway configuration whose registry names devices (default ./.solkit/gateway.db)")
    .option("--status <seconds>", "ask the device for its status on connect and then this often; 0: never", "60")
    .option("--filter <what>", "show only: frames (readings, verdicts), logs (the board's own lines), or a device id G…")
    .option("--echo", "show what you type (for a board that does not echo, such as a locked console)")
    .addHelpText("after", EXAMPLES)
    .action(async (opts: MonitorOpts) => {
      const out = ctx.output();
      const baud = Number(opts.baud);
      if (!Number.isInteger(baud) || baud < 300) throw new CliError(`--baud expects a rate such as 115200, got "${opts.baud}"`);
      const duration = opts.duration === undefined ? undefined : Number(opts.duration);
      if (duration !== undefined && !(duration > 0)) throw new CliError(`--duration expects seconds > 0, got "${opts.duration}"`);
      const statusS = Number(opts.status);
      if (!(statusS >= 0)) throw new CliError(`--status expects seconds (0: never), got "${opts.status}"`);
      const filter = parseFilter(opts.filter);
      const show = printer(out, opts);
      const onEvent = (e: MonitorEvent) => {
        if (opts.log) appendLog(opts.log, e);
        if (passes(filter, e)) show(e);
      };
      const monitor = new Monitor({ path: opts.port, baud, database: registryDatabase(opts.config), raw: opts.raw, partialMs: out.jsonMode ? 0 : 80, statusEveryMs: statusS * 1000, onEvent });
      try {
        await monitor.start();
      } catch (e) {
        throw cliError(e);
      }
      if (!out.jsonMode) out.info(`monitoring ${opts.port} at ${baud} baud; Ctrl-] quits${duration ? `, or after ${duration} s` : ""}`);
      await untilQuit(monitor, duration, Boolean(opts.echo) && !out.jsonMode);
      await monitor.stop();
      const c = monitor.counts;
      const summary = `${c.logLines} log lines, ${c.valid} readings verified, ${c.invalid} invalid, ${c.unproven} unproven, ${c.duplicate} re-sent, ${c.badLines} bad lines, ${c.reconnects} reconnects`;
      if (out.jsonMode) out.json({ type: "summary", ...c });
      else out.info(`monitor: ${summary}`);
      ctx.exit(c.invalid > 0 ? EXIT_FAILED : EXIT_OK);
    });
};

/** Resolves on Ctrl-], the time limit, or SIGINT/SIGTERM; meanwhile stdin goes to the board. */
function untilQuit(monitor: Monitor, duration: number | undefined, echo: boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    const stdin = process.stdin;
    const raw = Boolean(stdin.isTTY);
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      stdin.off("data", onData);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    const onData = (d: Buffer) => {
      const q = d.indexOf(QUIT);
      if (q >= 0) {
        if (q > 0) monitor.send(d.subarray(0, q).toString("latin1"));
        return done();
      }
      monitor.send(d.toString("latin1"));
      if (echo) process.stdout.write(d.toString("latin1").replace(/\r\n?/g, "\n"));
    };
    if (raw) stdin.setRawMode(true); // keys go to the board as typed; Ctrl-C too, as in any terminal
    stdin.on("data", onData);
    stdin.resume();
    if (duration !== undefined) timer = setTimeout(done, duration * 1000);
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}
