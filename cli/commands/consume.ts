import type { RegisterCommand } from "../command";
import { CliError, EXIT_OK } from "../errors";
import { summary as commandSummary } from "../command-list";
import { streamLogger } from "../../host/gateway/log";

const EXAMPLES = `
Examples:
  $ solkit consume --broker mqtt://teller:secret@broker.example:1883 --group teller --id teller-1 --db fleet.db
  $ solkit consume --broker mqtts://… --group archive --id archive-2 --db /srv/archive.db --filter 'solkit/v1/site-7/+/reading'

Start as many as the load needs, each with its own --id: the broker's shared subscription
($share/<group>/…, MQTT 5; Mosquitto 2, EMQX, VerneMQ, HiveMQ) gives each reading to one of them.
A reading is acked only after it is stored; one delivered twice is stored once (by device and
seq). A consumer that stops gets what it had not acked when it comes back with the same --id.
Every 10 s (and at the end) it prints what it stored, skipped as duplicates and refused.`;

interface ConsumeOpts {
  broker: string;
  group: string;
  id: string;
  db: string;
  filter?: string;
}

/** `solkit consume`: one member of a fleet's consumer group (issue 15). */
export const registerConsume: RegisterCommand = (program, ctx) => {
  program
    .command("consume")
    .description(commandSummary("consume"))
    .requiredOption("--broker <url>", "the fleet's broker, mqtt://user:password@host:port")
    .requiredOption("--group <name>", "the shared subscription's group: consumers in one group share the readings")
    .requiredOption("--id <name>", "this consumer's name, stable across restarts (its session on the broker)")
    .requiredOption("--db <file>", "the store the group shares (SQLite file)")
    .option("--filter <topic>", "the topics to consume", "solkit/v1/+/+/reading")
    .addHelpText("after", EXAMPLES)
    .action(async (o: ConsumeOpts) => {
      const out = ctx.output();
      if (!/^mqtts?:\/\/\S+$/.test(o.broker)) throw new CliError(`--broker expects mqtt://user:password@host:port, got "${o.broker.replace(/:[^:@/]*@/, ":…@")}"`);
      for (const [k, v] of [["--group", o.group], ["--id", o.id]] as const) if (!/^[A-Za-z0-9_.-]{1,64}$/.test(v)) throw new CliError(`${k} "${v.slice(0, 40)}": use 1 to 64 of A-Z a-z 0-9 _ . -`);
      const { startConsumer } = await import("../../host/fleet/consumer");
      const logger = streamLogger((l) => process.stderr.write(l), out.verbose);
      let fatal: Error | undefined;
      const c = startConsumer({ broker: o.broker, group: o.group, id: o.id, db: o.db, filter: o.filter, logger, onFatal: (e) => (fatal = e) });
      const say = () => {
        if (out.jsonMode) out.json({ consumer: o.id, ...c.stats });
        else out.line(`${o.id}: ${c.stats.stored} stored, ${c.stats.duplicates} duplicates skipped, ${c.stats.refused} refused`);
      };
      await c.ready;
      out.info(`${o.id} consuming $share/${o.group}/${o.filter ?? "solkit/v1/+/+/reading"} into ${o.db}`);
      const timer = setInterval(say, 10_000);
      await new Promise<void>((resolve) => {
        const check = setInterval(() => fatal && done(), 200);
        const done = () => {
          clearInterval(check);
          resolve();
        };
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      });
      clearInterval(timer);
      await c.stop();
      say();
      if (fatal) throw new CliError(`stopped: ${fatal.message}; nothing unstored was acked, restart to continue`);
      ctx.exit(EXIT_OK);
    });
};
