import type { RegisterCommand } from "../command";
import { CliError, EXIT_OK } from "../errors";
import { paint } from "../output";
import { registryDatabase } from "../host-database";
import { cliError } from "./flash";
import { summary as commandSummary } from "../command-list";
import { deliverToken, issueFromRegistry } from "../../flash/token-delivery";
import { idFromStatus, tokenCounterFromStatus, typedStatus } from "../../flash/maintenance";
import { withSession } from "../serial-session";
import { isPublicKey } from "../../shared/crypto/strkey";
import { encodeFrameBody } from "../../shared/protocol/frame";
import { TOKEN_ADD_CREDIT, TOKEN_DISCONNECT, TOKEN_UNLOCK } from "../../shared/protocol/token";

interface CreditOpts {
  device?: string;
  days?: string;
  hours?: string;
  unlock?: boolean;
  disconnect?: boolean;
  port?: string;
  baud?: string;
  config?: string;
}

const EXAMPLES = `
Examples:
  $ solkit credit add --device GABC… --days 30                 print the line to paste into the device's console
  $ solkit credit add --device GABC… --days 7 --port /dev/ttyUSB0   send it and wait for the device to confirm
  $ solkit credit add --port /dev/ttyUSB0 --hours 12           the device on the port (its id from its status)
  $ solkit credit add --device GABC… --unlock -c site.json     unlock for good (the system is paid off)
  $ solkit credit add --device GABC… --disconnect --json

The token is MAC'd with the device's key from the registry (-c: the host's configuration) and
carries the next counter, saved before the token is made: each token works once, on that
device only. Without --port it prints the console line and the MQTT cmd body.`;

/** The token kind and amount the flags ask for. @throws CliError on a bad combination */
function whatToSend(o: CreditOpts): { kind: number; amount: number; text: string } {
  const chosen = [o.days !== undefined || o.hours !== undefined, Boolean(o.unlock), Boolean(o.disconnect)].filter(Boolean).length;
  if (chosen !== 1) throw new CliError("give one of --days N / --hours N, --unlock, --disconnect");
  if (o.unlock) return { kind: TOKEN_UNLOCK, amount: 0, text: "unlock for good" };
  if (o.disconnect) return { kind: TOKEN_DISCONNECT, amount: 0, text: "disconnect now" };
  const days = o.days === undefined ? 0 : Number(o.days);
  const hours = o.hours === undefined ? 0 : Number(o.hours);
  const seconds = Math.round(days * 86_400 + hours * 3_600);
  if (!Number.isFinite(seconds) || days < 0 || hours < 0 || seconds < 1 || seconds > 4_294_967_295) {
    throw new CliError(`--days/--hours: expected a positive amount up to 136 years, got ${o.days ?? ""}${o.hours ?? ""}`);
  }
  return { kind: TOKEN_ADD_CREDIT, amount: seconds, text: `credit +${seconds} s` };
}

/** `solkit credit add`: a credit, unlock or disconnect token for a field technician (issue 12). */
export const registerCredit: RegisterCommand = (program, ctx) => {
  const cmd = program.command("credit").description(commandSummary("credit"));
  cmd
    .command("add")
    .description("make the next token for a device from the registry: print it, or send it over --port")
    .option("-d, --device <id>", "the device's id (G…); with --port, read from the device when left out")
    .option("--days <n>", "days of supply to add (fractions allowed)")
    .option("--hours <n>", "hours of supply to add")
    .option("--unlock", "unlock for good: no more credit needed")
    .option("--disconnect", "credit to zero now: the relay opens")
    .option("-p, --port <path>", "send it to the device on this serial port and wait for its answer")
    .option("--baud <rate>", "baud rate with --port (default 115200)")
    .option("-c, --config <file>", "gateway configuration whose registry holds the device's key (default ./.solkit/gateway.db)")
    .addHelpText("after", EXAMPLES)
    .action(async (opts: CreditOpts) => {
      const out = ctx.output();
      const what = whatToSend(opts);
      if (opts.device !== undefined && !isPublicKey(opts.device)) throw new CliError(`--device: expected a device id G… (56 characters), got "${opts.device.slice(0, 60)}"`);
      if (opts.device === undefined && opts.port === undefined) throw new CliError("give --device G… (or --port, to read the id from the device)");
      const database = registryDatabase(opts.config);
      try {
        if (opts.port === undefined) {
          const t = issueFromRegistry(database, opts.device!, what.kind, what.amount);
          const body = encodeFrameBody(t.bytes);
          if (out.jsonMode) out.json({ device: opts.device, counter: t.counter, token: what.text, line: t.line.replace(/^\x10/, "").trimEnd(), mqttBody: body });
          else {
            out.line(`token ${t.counter} for ${opts.device}: ${what.text}`);
            out.line(`  console line  ${t.line.replace(/^\x10/, "").trimEnd()}`);
            out.line(`  MQTT cmd body ${body}`);
          }
          return ctx.exit(EXIT_OK);
        }
        await withSession({ port: opts.port, baud: opts.baud }, async (s) => {
          const status = await typedStatus(s);
          const onDevice = idFromStatus(status);
          if (onDevice === undefined) throw new CliError(`the device on ${opts.port} has no key yet: provision it first (solkit provision)`);
          if (opts.device !== undefined && opts.device !== onDevice) throw new CliError(`the device on ${opts.port} is ${onDevice}, not ${opts.device}`);
          const t = issueFromRegistry(database, onDevice, what.kind, what.amount, tokenCounterFromStatus(status));
          const d = await deliverToken(s, t);
          if (out.jsonMode) out.json({ device: onDevice, counter: d.counter, token: what.text, answer: d.answer });
          else out.line(`${paint(out, "green", "✓")} ${onDevice} took token ${d.counter} (${what.text}): ${d.answer}`);
        });
        ctx.exit(EXIT_OK);
      } catch (e) {
        throw cliError(e);
      }
    });
};
