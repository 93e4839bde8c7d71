/**
 * `solkit ledger` as a user runs it: named accounts with encrypted secrets, funding from the
 * local root, an issued stablecoin, a payment with a device's memo, refusals with Stellar's
 * codes (exit 1), and the keystore never holding a secret in clear.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = join(__dirname, "..", "..", "..", "bin", "solkit.mjs");

describe("solkit ledger", () => {
  it("accounts, an issued asset, a payment with a memo, history; refusals carry Stellar's codes", () => {
    const dir = mkdtempSync(join(tmpdir(), "solkit-ledger-cli-"));
    const run = (args: string[], passphrase: string | null = "correct horse") => {
      const env = { ...process.env, NO_COLOR: "1" } as NodeJS.ProcessEnv;
      if (passphrase === null) delete env.SOLKIT_KEYSTORE_PASSPHRASE;
      else env.SOLKIT_KEYSTORE_PASSPHRASE = passphrase;
      const r = spawnSync(process.execPath, [BIN, "ledger", ...args], { cwd: dir, encoding: "utf8", env });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    for (const [name, xlm] of [["project", "100"], ["customer", "20"], ["issuer", "10"]]) {
      const r = run(["account", "new", name, "--fund", xlm]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^${name}  G[A-Z2-7]{55}  \\(secret encrypted in \\.solkit/keys\\.json\\)\\n✓ ${name} created with ${xlm} XLM  \\(ledger \\d+, tx [0-9a-f]{64}\\)`));
    }
    expect(run(["issue", "USDC", "--issuer", "issuer", "--to", "customer", "--amount", "500"]).status).toBe(0);
    // The project holds no USDC yet: Stellar's op_no_trust, exit 1, nothing moved.
    const noTrust = run(["pay", "--from", "customer", "--to", "project", "--amount", "25", "--asset", "USDC:issuer"]);
    expect([noTrust.status, noTrust.stdout]).toEqual([1, expect.stringMatching(/✗ customer paid 25 USDC to project refused: tx_failed \[op_no_trust\]/)]);
    expect(run(["trust", "project", "--asset", "USDC:issuer"]).status).toBe(0);
    const paid = run(["pay", "--from", "customer", "--to", "project", "--amount", "25", "--asset", "USDC:issuer", "--memo", "GABCDEFGHIJKLMNOPQRSTUVWXYZ2", "--json"]);
    expect(paid.status).toBe(0);
    expect(JSON.parse(paid.stdout)).toMatchObject({ successful: true, transaction: "tx_success", hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const over = run(["pay", "--from", "customer", "--to", "project", "--amount", "1000", "--asset", "USDC:issuer"]);
    expect(over.status).toBe(1);
    expect(over.stdout).toMatch(/refused: tx_failed \[op_underfunded\]/);

    const balances = JSON.parse(run(["balances", "customer", "--json"]).stdout);
    expect(balances.balances.find((b: { asset: string }) => b.asset.startsWith("USDC:")).balance).toBe("475.0000000");
    const history = run(["history", "project", "--json"]).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(history.at(-1)).toMatchObject({ amount: "25.0000000", asset: "USDC", memo: "GABCDEFGHIJKLMNOPQRSTUVWXYZ2", hash: JSON.parse(paid.stdout).hash });

    // The keystore: 0600, no secret in clear; the wrong or a missing passphrase is one line, exit 2.
    const ks = join(dir, ".solkit", "keys.json");
    expect(statSync(ks).mode & 0o777).toBe(0o600);
    expect(readFileSync(ks, "utf8")).not.toMatch(/"S[A-Z2-7]{55}"/);
    const wrong = run(["pay", "--from", "customer", "--to", "project", "--amount", "1"], "wrong");
    expect([wrong.status, wrong.stderr]).toEqual([2, 'solkit: cannot open "customer" in .solkit/keys.json: wrong SOLKIT_KEYSTORE_PASSPHRASE, or the file was changed\n']);
    const none = run(["account", "new", "other"], null);
    expect([none.status, none.stderr]).toEqual([2, "solkit: set SOLKIT_KEYSTORE_PASSPHRASE to the keystore's passphrase (.solkit/keys.json); secrets are never stored in clear\n"]);
    expect(run(["account", "list"], null).stdout).toMatch(/^project +G[A-Z2-7]{55}\ncustomer/);
  }, 120_000);
});
