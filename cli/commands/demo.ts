import { randomBytes } from "node:crypto";
import type { RegisterCommand } from "../command";
import { CliError, EXIT_FAILED, EXIT_OK } from "../errors";
import { paint } from "../output";
import { encodePublicKey } from "../../shared/crypto/strkey";
import { publicKeyFromSeed } from "../../shared/crypto/ed25519";
import { LINE_PREFIX, LineParser, decodeFrameBody, encodeFrame, encodeUplinkLine } from "../../shared/protocol/frame";
import { nodeVerifier } from "../../host/crypto/node-verifier";
import { virtualMeter } from "../../host/demo/virtual-meter";
import { StreamVerifier, type Verdict } from "../../host/verify/stream-verifier";
import { verdictText } from "../../host/verify/describe";
import { summary as commandSummary } from "../command-list";
import { story } from "./demo-story";

interface DemoOptions {
  chain?: boolean;
  readings?: string;
  signEvery?: string;
  tamper?: string;
  speed: string;
  days: string;
  board: string;
  httpPort: string;
  port?: string;
  baud?: string;
  config?: string;
  broker?: string;
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} expects a whole number ≥ 1, got "${text}"`);
  return n;
}

/** Rewrites the energy register of a reading line and re-frames it, as a lying relay would. */
function tamper(line: string): string {
  const frame = decodeFrameBody(line.slice(LINE_PREFIX.length));
  const bytes = encodeFrame(frame.message, frame.signature);
  bytes[64] ^= 0x01; // lowest bit of energyIn (PROTOCOL.md section 2)
  return encodeUplinkLine(bytes).trimEnd();
}

/** `solkit demo`: the single-panel story with its dashboard (npm start), or `--chain`: the hash chain on its own. */
export const registerDemo: RegisterCommand = (program, ctx) => {
  program
    .command("demo")
    .description(commandSummary("demo"))
    .option("--speed <x>", "simulated seconds per wall-clock second (3600: an hour a second, the story in about 3 minutes)", "3600")
    .option("--days <n>", "simulated days", "7")
    .option("--board <id>", "the board whose firmware is built and emulated", "esp32-devkitc")
    .option("--http-port <n>", "the dashboard's port on 127.0.0.1 (a free one if taken)", "8080")
    .option("--port <path>", "a real board on this serial port instead of the simulated one (provisioned into -c's registry; runs in real time)")
    .option("--baud <rate>", "with --port: the baud rate (default 115200)")
    .option("-c, --config <file>", "with --port: the host's configuration whose registry holds the board")
    .option("--broker <url>", "an MQTT broker of your own instead of the embedded one")
    .option("--chain", "the hash-chain demo instead: a virtual meter signs readings, the host side verifies them")
    .option("--readings <n>", "--chain: readings to make, one a minute (default 60)")
    .option("--sign-every <n>", "--chain: sign every n-th reading; the hash chain covers the rest (default 10)")
    .option("--tamper <seq>", "--chain: flip a bit of one reading on the wire, to see it caught")
    .addHelpText("after", `
Examples:
  $ npm start                         the same as: solkit demo
  $ solkit demo --speed 600 --days 3  slower, shorter
  $ solkit demo --http-port 9000      the dashboard on another port
  $ solkit demo --port /dev/ttyUSB0 -c site.json   your provisioned board instead of the simulated one
  $ solkit demo --broker mqtt://192.168.1.5:1883    readings relayed to your broker
  $ solkit demo --chain --tamper 7    exit 1: reading 7 no longer links into the chain

The story: a simulated board (its built firmware on the Espruino emulation) with a 60 W load on
its relay, the host verifying every reading, a teller billing each day and paying it by autopay
from the customer's wallet on the local Stellar ledger. The wallet runs dry; a notice, a
reminder, the grace day; the relay opens; a top-up; the relay closes. Open the dashboard's URL
(printed first) to watch it. Ctrl-C stops everything.`)
    .action(async (opts: DemoOptions) => {
      if (!opts.chain && (opts.readings || opts.signEvery || opts.tamper)) throw new CliError("--readings, --sign-every and --tamper belong to the hash-chain demo: add --chain");
      if (!opts.chain) return ctx.exit(await story(ctx.output(), opts));
      const out = ctx.output();
      const count = positive("--readings", opts.readings ?? "60");
      const signEvery = positive("--sign-every", opts.signEvery ?? "10");
      const tamperSeq = opts.tamper === undefined ? -1 : Number(opts.tamper);
      // A seq the run never reaches would "tamper" with nothing and still look like a test (issue 11).
      if (opts.tamper !== undefined && !(Number.isInteger(tamperSeq) && tamperSeq >= 0 && tamperSeq < count)) {
        throw new CliError(`--tamper ${opts.tamper}: give a reading of this run, 0 to ${count - 1}`);
      }
      const seed = new Uint8Array(randomBytes(32));
      out.info(`device ${encodePublicKey(publicKeyFromSeed(seed))}: ${count} readings, signed every ${signEvery}`);
      const engine = new StreamVerifier<number>(nodeVerifier);
      const parser = new LineParser();
      const tally = { valid: 0, invalid: 0, unproven: 0, duplicate: 0 };
      const show = (verdicts: Verdict<number>[]) => {
        for (const v of verdicts) {
          tally[v.status]++;
          if (out.jsonMode) out.json({ seq: v.ref, status: v.status, reason: v.reason, signedBy: v.by });
          else if (!out.quiet || v.status !== "valid") {
            const mark = v.status === "valid" ? paint(out, "green", "✓") : paint(out, "red", "✗");
            out.line(`host    ${mark} ${verdictText(v)}`);
          }
        }
      };
      const start = Math.floor(Date.UTC(2026, 5, 21, 9, 0, 0) / 1000);
      let seq = 0;
      for (const line of virtualMeter({ seed, peakWatts: 400, intervalS: 60, signEvery, startTime: start }, count)) {
        const isFrame = line.text.startsWith(LINE_PREFIX);
        const text = isFrame && seq === tamperSeq ? tamper(line.text) : line.text;
        if (!out.jsonMode && !out.quiet) out.line(paint(out, "dim", `device  ${text.length > 72 ? text.slice(0, 71) + "…" : text}`));
        for (const ev of parser.push(text + "\n")) if (ev.frame) show(engine.add(ev.frame, seq));
        if (isFrame) seq++;
      }
      show(engine.finish());
      out.info(`${tally.valid} verified, ${tally.invalid} rejected, ${tally.unproven} unproven`);
      ctx.exit(tally.invalid + tally.unproven === 0 ? EXIT_OK : EXIT_FAILED);
    });
};
