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

interface DemoOptions {
  readings: string;
  signEvery: string;
  tamper?: string;
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

/** `solkit demo`: a virtual meter signs readings, the host side verifies them. */
export const registerDemo: RegisterCommand = (program, ctx) => {
  program
    .command("demo")
    .description(commandSummary("demo"))
    .option("--readings <n>", "readings to make, one a minute", "60")
    .option("--sign-every <n>", "sign every n-th reading (the hash chain covers the rest)", "10")
    .option("--tamper <seq>", "flip a bit of one reading on the wire, to see it caught")
    .addHelpText("after", `
Examples:
  $ solkit demo
  $ solkit demo --readings 1440 --sign-every 30 --quiet
  $ solkit demo --tamper 7            exit 1: reading 7 no longer links into the chain`)
    .action((opts: DemoOptions) => {
      const out = ctx.output();
      const count = positive("--readings", opts.readings);
      const signEvery = positive("--sign-every", opts.signEvery);
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
