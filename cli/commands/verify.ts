import { createReadStream, existsSync, readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import type { RegisterCommand } from "../command";
import { CliError, EXIT_FAILED, EXIT_OK } from "../errors";
import { paint, type Output } from "../output";
import { fromHex } from "../../shared/bytes";
import { errorCode } from "../../shared/protocol/common";
import { KIND_READING } from "../../shared/protocol/common";
import { LineParser } from "../../shared/protocol/frame";
import { parseReadingPayload } from "../../host/protocol/mqtt-payload";
import { nodeVerifier } from "../../host/crypto/node-verifier";
import { StreamVerifier, type Verdict } from "../../host/verify/stream-verifier";
import { readingJson, verdictText } from "../../host/verify/describe";
import { summary as commandSummary } from "../command-list";
import { isPublicKey } from "../../shared/crypto/strkey";

/** Longest input line kept; a serial frame line is under 512 bytes, a JSON payload under 2 KiB. */
const MAX_INPUT_LINE = 64 * 1024;

/** `solkit verify [FILE]`: a verdict line per frame; exit 0 only when every frame is proven valid. */
export const registerVerify: RegisterCommand = (program, ctx) => {
  program
    .command("verify")
    .description(commandSummary("verify"))
    .argument("[file]", "input file; '-' or none for standard input")
    .option("--hmac-key <hex>", "the device's 32-byte HMAC key (hex), to check acks and credit tokens")
    .option("--device <id...>", "only these devices (G… ids): a frame from any other device is invalid, so a capture made with someone else's key cannot pass")
    .option("--anchor <tx>", "prove a bill: the anchor transaction's memo against the statement and the readings")
    .option("-c, --config <file>", "with --anchor: the host's configuration (its database and teller ledger)")
    .option("--db <file>", "with --anchor: the gateway database holding the readings")
    .option("--ledger <file>", "with --anchor: the local ledger file")
    .option("--statement <file>", "with --anchor: the bill's statement as JSON (else the one in the database)")
    .addHelpText(
      "after",
      `
Examples:
  $ solkit verify console.log           a serial capture: log lines are skipped, @SK1: frames checked
  $ mosquitto_sub -t 'solkit/v1/+/+/reading' | solkit verify --json
  $ solkit verify tokens.txt --hmac-key 8f1e…
  $ solkit verify console.log --device GBCN…   only this device's frames count
  $ solkit verify --anchor 3f9a…e1 -c site.json  a bill proven from the ledger and the readings

Readings are hash-chained: an unsigned reading is proven by the next signed one. Readings after
the last signature are reported "unproven". Exit 0 when every frame is proven valid, 1 otherwise
(also when the input holds no frame at all: an empty capture proves nothing).`,
    )
    .action(async (file: string | undefined, opts: { hmacKey?: string; device?: string[]; anchor?: string; config?: string; db?: string; ledger?: string; statement?: string }) => {
      const out = ctx.output();
      if (opts.anchor !== undefined) return ctx.exit(await verifyAnchorCommand(opts.anchor, opts, out));
      const key = opts.hmacKey === undefined ? undefined : parseKey(opts.hmacKey);
      const devices = opts.device === undefined ? undefined : new Set(opts.device.map(parseDevice));
      const input = openInput(file, out);
      const counts = await verifyStream(input, new StreamVerifier<number>(nodeVerifier, key), out, devices);
      const frames = counts.valid + counts.invalid + counts.unproven + counts.duplicate;
      out.info(
        `${frames} frames: ${counts.valid} valid, ${counts.invalid} invalid, ` +
          `${counts.unproven} unproven, ${counts.duplicate} re-sent; ${counts.logLines} log lines skipped`,
      );
      // An empty capture proves nothing: a CI check on it must not pass (issue 11).
      if (frames === 0) out.info("solkit verify: no frames found (a capture of log lines only, or the wrong file?)");
      ctx.exit(frames > 0 && counts.invalid + counts.unproven === 0 ? EXIT_OK : EXIT_FAILED);
    });
};

/** `verify --anchor`: each check on a line; exit 0 only when all hold. */
async function verifyAnchorCommand(tx: string, o: { config?: string; db?: string; ledger?: string; statement?: string }, out: Output): Promise<number> {
  if (!/^[0-9a-f]{64}$/.test(tx)) throw new CliError(`--anchor "${tx.slice(0, 80)}" is not a transaction hash (64 hex characters)`);
  const { loadConfig } = await import("../../host/gateway/config");
  const cfg = o.config ? loadConfig(o.config) : undefined;
  const dbFile = o.db ?? cfg?.database;
  const ledgerFile = o.ledger ?? cfg?.teller?.ledger;
  const horizon = o.ledger ? undefined : cfg?.teller?.horizon;
  if (!dbFile || !ledgerFile) throw new CliError("--anchor needs the readings and the ledger: -c site.json (with a teller section), or --db FILE --ledger FILE");
  for (const f of horizon ? [dbFile] : [dbFile, ledgerFile]) if (!existsSync(f)) throw new CliError(`${f}: no such file`);
  let statement;
  if (o.statement) {
    try {
      statement = JSON.parse(readFileSync(o.statement, "utf8"));
    } catch (e) {
      throw new CliError(`${o.statement}: not a statement (${(e as Error).message})`);
    }
  }
  const { openStore } = await import("../../host/gateway/store-sqlite");
  const { openLedger } = await import("../../host/ledger/open-ledger");
  const { verifyAnchor } = await import("../../host/teller/verify-anchor");
  const db = openStore(dbFile);
  const ledger = openLedger({ file: ledgerFile, horizon });
  try {
    const v = await verifyAnchor(ledger, tx, db, statement);
    if (out.jsonMode) out.json({ ok: v.ok, checks: v.lines, statement: v.statement });
    else for (const l of v.lines) out.line(paint(out, l.startsWith("✓") ? "green" : "red", l));
    if (!out.jsonMode) out.line(v.ok ? "anchor proven: these readings are what was billed" : "anchor NOT proven");
    return v.ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    ledger.close();
    db.close();
  }
}

function parseDevice(id: string): string {
  if (!isPublicKey(id)) throw new CliError(`--device "${id.slice(0, 60)}" is not a device id: expected a G… public key`);
  return id;
}

function parseKey(hex: string): Uint8Array {
  const key = fromHex(hex);
  if (!key || key.length !== 32) throw new CliError("--hmac-key expects 64 hex characters (a 32-byte key)");
  return key;
}

function openInput(file: string | undefined, out: Output): Readable {
  if (file === undefined || file === "-") {
    if (process.stdin.isTTY) out.info("reading frames from standard input (Ctrl-D to end)");
    return process.stdin;
  }
  const stream = createReadStream(file);
  return stream;
}

interface Counts {
  valid: number;
  invalid: number;
  unproven: number;
  duplicate: number;
  logLines: number;
}

/** Reads lines (bounded), checks each frame, prints verdicts as they settle. */
export async function verifyStream(input: Readable, engine: StreamVerifier<number>, out: Output, devices?: Set<string>): Promise<Counts> {
  const counts: Counts = { valid: 0, invalid: 0, unproven: 0, duplicate: 0, logLines: 0 };
  const parser = new LineParser();
  const emit = (verdicts: Verdict<number>[]) => {
    for (let v of verdicts) {
      // A frame that verifies under its own key proves nothing about the device asked about.
      if (devices !== undefined && v.device !== undefined && !devices.has(v.device) && v.status !== "invalid") {
        v = { ...v, status: "invalid", reason: `from ${v.device}, not a --device given` };
      }
      counts[v.status]++;
      print(out, v);
    }
  };
  const handle = (line: string, n: number) => {
    if (line.startsWith("{")) {
      try {
        const p = parseReadingPayload(line);
        emit(engine.add({ kind: KIND_READING, message: p.reading, signature: p.signature }, n));
      } catch (err) {
        emit([engine.lineError(n, errorCode(err))]);
      }
      return;
    }
    for (const ev of parser.push(line + "\n")) {
      if (ev.type === "log") counts.logLines++;
      else if (ev.type === "error") emit([engine.lineError(n, ev.code)]);
      else if (ev.frame) emit(engine.add(ev.frame, n));
    }
  };
  let lineNo = 0;
  let rest = "";
  let tooLong = false;
  try {
    for await (const chunk of input) {
      const text = rest + (typeof chunk === "string" ? chunk : (chunk as Buffer).toString("latin1"));
      const lines = text.split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        lineNo++;
        if (tooLong) {
          tooLong = false;
          emit([engine.lineError(lineNo, "E_LINE_TOO_LONG")]);
        } else handle(line.replace(/\r$/, ""), lineNo);
      }
      if (rest.length > MAX_INPUT_LINE) {
        rest = "";
        tooLong = true;
      }
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ENOENT") throw new CliError(`cannot read ${e.path}: no such file`);
    if (e.code === "EISDIR") throw new CliError(`cannot read ${e.path}: it is a folder; give a file or '-'`);
    throw new CliError(`cannot read input: ${e.message}`);
  }
  if (tooLong) emit([engine.lineError(++lineNo, "E_LINE_TOO_LONG")]);
  else if (rest.length > 0) handle(rest.replace(/\r$/, ""), ++lineNo);
  emit(engine.finish());
  return counts;
}

const MARKS = { valid: "✓", invalid: "✗", unproven: "?", duplicate: "=" } as const;

function print(out: Output, v: Verdict<number>): void {
  if (out.jsonMode) {
    out.json({
      line: v.ref,
      status: v.status,
      kind: v.kind,
      device: v.device,
      reason: v.reason,
      signedBy: v.by,
      reading: v.reading ? readingJson(v.reading) : undefined,
      ack: v.ack ? { seq: v.ack.seq, hostTime: v.ack.hostTime } : undefined,
      token: v.token ? { kind: v.token.tokenKind, counter: v.token.counter, amount: v.token.amount, config: v.token.config } : undefined,
    });
    return;
  }
  const colour = v.status === "valid" ? "green" : v.status === "invalid" ? "red" : v.status === "duplicate" ? "dim" : "yellow";
  out.line(`${paint(out, colour, MARKS[v.status])} line ${v.ref}  ${verdictText(v)}`);
}
