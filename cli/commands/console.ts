import type { RegisterCommand } from "../command";
import { CliError, EXIT_OK } from "../errors";
import { paint } from "../output";
import { registryDatabase } from "../host-database";
import { cliError } from "./flash";
import { summary as commandSummary } from "../command-list";
import { MAINTENANCE_MAX_S } from "../../shared/protocol/token";
import { openConsole, typedStatus } from "../../flash/maintenance";
import { withSession } from "../serial-session";

interface ConsoleOpts {
  port: string;
  baud?: string;
  minutes?: string;
  config?: string;
}

const EXAMPLES = `
Examples:
  $ solkit console open --port /dev/ttyUSB0                 the REPL for 15 minutes, then locked again
  $ solkit console open --port /dev/ttyUSB0 --minutes 5 -c site.json
  $ solkit console lock --port /dev/ttyUSB0                 lock it now
  $ solkit console status --port /dev/ttyUSB0 --json

A provisioned device locks its console: typed JavaScript does not run, only status, flush and
the host's frames. 'open' sends a maintenance token made from the registry that holds the
device's key (usable once); the device locks again when the time is up or it restarts.
'solkit flash' and 'solkit provision --force' open it by themselves.`;

function minutesOf(text: string | undefined): number {
  const m = text === undefined ? 15 : Number(text);
  if (!Number.isInteger(m) || m < 1 || m * 60 > MAINTENANCE_MAX_S) throw new CliError(`--minutes expects 1 to ${MAINTENANCE_MAX_S / 60}, got "${text}"`);
  return m;
}

/** `solkit console open|lock|status --port <path>`: the device console's lock (issue 11). */
export const registerConsole: RegisterCommand = (program, ctx) => {
  const cmd = program.command("console").description(commandSummary("console"));
  const common = (c: ReturnType<typeof cmd.command>) =>
    c.requiredOption("-p, --port <path>", "serial port (see 'solkit ports')").option("--baud <rate>", "baud rate (default 115200)").addHelpText("after", EXAMPLES);

  common(cmd.command("open").description("open the REPL for a while with a maintenance token from the registry"))
    .option("--minutes <n>", "how long it stays open (1-60, default 15)")
    .option("-c, --config <file>", "gateway configuration whose registry holds the device's key (default ./.solkit/gateway.db)")
    .action(async (opts: ConsoleOpts) => {
      const out = ctx.output();
      const minutes = minutesOf(opts.minutes);
      const database = registryDatabase(opts.config);
      try {
        const r = await withSession(opts, (s) => openConsole(s, database, minutes * 60));
        if (out.jsonMode) out.json({ id: r.id, open: true, seconds: r.seconds, counter: r.counter });
        else out.line(`${paint(out, "green", "✓")} console of ${r.id} open for ${minutes} min (maintenance token ${r.counter}); it locks again then, at a restart, or with 'solkit console lock'`);
        ctx.exit(EXIT_OK);
      } catch (e) {
        throw cliError(e);
      }
    });

  common(cmd.command("lock").description("lock the console now")).action(async (opts: ConsoleOpts) => {
    const out = ctx.output();
    try {
      const status = await withSession(opts, async (s) => {
        await s.write("\x10solkit.lock()\n");
        return typedStatus(s);
      });
      const locked = /^console: locked/m.test(status);
      if (!locked) throw new CliError("the device did not lock its console (is it provisioned? status shows: " + (status.split("\n").find((l) => l.startsWith("console:")) ?? "?") + ")");
      if (out.jsonMode) out.json({ locked: true });
      else out.line(`${paint(out, "green", "✓")} console locked`);
      ctx.exit(EXIT_OK);
    } catch (e) {
      throw cliError(e);
    }
  });

  common(cmd.command("status").description("show the device's status lines (works locked or open)")).action(async (opts: ConsoleOpts) => {
    const out = ctx.output();
    try {
      const status = await withSession(opts, (s) => typedStatus(s));
      if (out.jsonMode) out.json({ locked: /^console: locked/m.test(status), status: status.split("\n") });
      else out.line(status);
      ctx.exit(EXIT_OK);
    } catch (e) {
      throw cliError(e);
    }
  });
};
