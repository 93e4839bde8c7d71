/**
 * `solkit demo` (npm start, issue 13): builds the board's firmware if needed, starts the story
 * (simulator/teller/story.ts) with the host's dashboard, prints the dashboard's URL first and
 * then one line per event that matters. Ctrl-C or SIGTERM stops every part; nothing stays running.
 */
import { CliError, EXIT_FAILED, EXIT_OK } from "../errors";
import { paint, type Output } from "../output";
import { streamLogger } from "../../host/gateway/log";

const COLOURS = { day: "dim", pay: "green", notice: "yellow", relay: "bold", "top-up": "green", info: "dim" } as const;

function number(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) throw new CliError(`${name} expects a number from ${min} to ${max}, got "${text}"`);
  return n;
}

export async function story(out: Output, o: { speed: string; days: string; board: string; httpPort: string; port?: string; broker?: string; baud?: string; config?: string }): Promise<number> {
  const speed = number("--speed", o.speed, 1, 1e9);
  const days = number("--days", o.days, 1, 365);
  const httpPort = number("--http-port", o.httpPort, 0, 65535);
  if (o.port) {
    if (o.broker) throw new CliError("--port and --broker: swap one part at a time (a real board's gateway relays upstream as its -c configuration says)");
    const { rigDemo } = await import("./demo-rig");
    return rigDemo(out, { port: o.port, baud: o.baud, config: o.config, httpPort, days });
  }
  if (o.broker && !/^mqtts?:\/\/[^\s]+$/.test(o.broker)) throw new CliError(`--broker expects mqtt://host:port or mqtts://…, got "${o.broker}"`);
  const { loadBoard } = await import("../../boards/validate");
  const { ensureFirmware } = await import("../../simulator/scenario/artifact");
  const { runStory } = await import("../../simulator/teller/story");
  let board;
  try {
    board = loadBoard(o.board);
  } catch (e) {
    throw new CliError(`--board ${o.board}: ${(e as Error).message} (solkit boards lists them)`);
  }
  const fw = await ensureFirmware(board.id, (why) => out.info(`building the ${board.id} firmware (${why})…`));
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let site: Awaited<ReturnType<typeof runStory>>["site"] | undefined;
  try {
    const r = await runStory({
      board, firmware: fw.code, speed, days, httpPort, signal: stop.signal, broker: o.broker,
      log: out.verbose ? streamLogger((l) => process.stderr.write(l), true) : undefined,
      onUrl: (url) => {
        if (out.jsonMode) out.json({ dashboard: url });
        else out.line(`dashboard: ${paint(out, "bold", url)}  (live; Ctrl-C stops everything)`);
      },
      line: (atMs, kind, text) => {
        const when = new Date(atMs).toISOString().slice(5, 16).replace("T", " ");
        if (out.jsonMode) out.json({ at: new Date(atMs).toISOString(), kind, text });
        else if (!out.quiet || kind === "relay" || kind === "notice") out.line(`${paint(out, "dim", when)}  ${paint(out, COLOURS[kind], kind.padEnd(6))} ${text}`);
      },
    });
    site = r.site;
    if (!stop.signal.aborted) out.info(`${days} simulated days done: ${r.events.filter((e) => e.kind === "day").length} days billed, ${r.events.filter((e) => e.kind === "pay").length} payments`);
    return EXIT_OK;
  } catch (e) {
    process.stderr.write(`solkit: demo: ${(e as Error).message}\n`);
    return EXIT_FAILED;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await site?.close();
  }
}
