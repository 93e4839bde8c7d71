import { writeFileSync } from "node:fs";
import type { RegisterCommand } from "../command";
import { CliError } from "../errors";
import { generateKeyPair } from "../../host/crypto/keys";
import { encodePublicKey, encodeSecretSeed } from "../../shared/crypto/strkey";
import { summary as commandSummary } from "../command-list";

/** `solkit keygen`: a device key pair as Stellar StrKey strings (G… public, S… secret seed). */
export const registerKeygen: RegisterCommand = (program, ctx) => {
  program
    .command("keygen")
    .description(commandSummary("keygen"))
    .option("--out <file>", "write the pair as JSON to a new file (mode 0600) instead of printing the secret")
    .addHelpText(
      "after",
      `
Examples:
  $ solkit keygen
  $ solkit keygen --json                 {"public": "G…", "secret": "S…"}
  $ solkit keygen --out device-7.key     the secret never reaches the terminal

The public key is the device id. On a real board, 'solkit provision' has the device make its own key
from its hardware random source instead, so the secret never leaves it.`,
    )
    .action((opts: { out?: string }) => {
      const out = ctx.output();
      const pair = generateKeyPair();
      const result = { public: encodePublicKey(pair.publicKey), secret: encodeSecretSeed(pair.seed) };
      if (opts.out) {
        writeSecretFile(opts.out, JSON.stringify(result) + "\n");
        if (out.jsonMode) out.json({ public: result.public, file: opts.out });
        else out.line(`public  ${result.public}\nsecret  written to ${opts.out} (mode 0600)`);
        return;
      }
      if (out.jsonMode) out.json(result);
      else out.line(`public  ${result.public}   (device id, safe to share)\nsecret  ${result.secret}   (keep private)`);
    });
};

/** Writes a secret to a new file readable by its owner only; never overwrites. */
function writeSecretFile(path: string, text: string): void {
  try {
    writeFileSync(path, text, { mode: 0o600, flag: "wx" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new CliError(`${path} exists already; choose another --out file (keys are never overwritten)`);
    throw new CliError(`cannot write ${path}: ${(err as Error).message}`);
  }
}
