/**
 * `solkit demo --port PATH` (issue 13): the same parts as the simulated story with a real board
 * swapped in. The board must be provisioned into this host's registry (`solkit provision -c …`).
 * The gateway reads it on the port, the teller bills it daily on a fresh local ledger with a
 * funded customer on autopay, and the dashboard shows it — in real time: a board's clock does not
 * run faster. Ctrl-C (or SIGTERM) stops everything; the demo ledger is removed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError, EXIT_OK } from "../errors";
import { paint, type Output } from "../output";
import { withSession } from "../serial-session";
import { idFromStatus, typedStatus } from "../../flash/maintenance";
import { defaultConfig, loadConfig, type GatewayConfig } from "../../host/gateway/config";
import { streamLogger } from "../../host/gateway/log";
import type { VerifiedBatch } from "../../host/gateway/pipeline";
import type { Notice } from "../../host/teller/teller";

export async function rigDemo(out: Output, o: { port: string; baud?: string; config?: string; httpPort: number; days: number }): Promise<number> {
  let base: GatewayConfig;
  try {
    base = o.config ? loadConfig(o.config) : defaultConfig();
  } catch (e) {
    throw new CliError(`${(e as Error).message} (see docs/host-config.md)`);
  }
  const baudRate = o.baud === undefined ? 115200 : Number(o.baud);
  const id = await withSession({ port: o.port, baud: o.baud }, async (s) => idFromStatus(await typedStatus(s)));
  if (id === undefined) throw new CliError(`the device on ${o.port} has no key yet: provision it first (solkit provision --port ${o.port}${o.config ? ` -c ${o.config}` : ""})`);
  const { openStore } = await import("../../host/gateway/store-sqlite");
  const { Registry } = await import("../../host/gateway/registry");
  const reg = openStore(base.database);
  const known = new Registry(reg).get(id) !== undefined;
  reg.close();
  if (!known) throw new CliError(`${id} on ${o.port} is not in ${base.database}: provision it into this host's registry (solkit provision --port ${o.port} --force${o.config ? ` -c ${o.config}` : ""})`);

  const { LocalLedger } = await import("../../host/ledger/local-ledger");
  const { siteAccounts } = await import("../../simulator/teller/accounts");
  const { STORY_TELLER } = await import("../../simulator/teller/story");
  const { startGateway } = await import("../../host/gateway/gateway");
  const dir = mkdtempSync(join(tmpdir(), "solkit-demo-"));
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let gw: Awaited<ReturnType<typeof startGateway>> | undefined;
  try {
    const ledger = new LocalLedger(join(dir, "ledger.db"));
    let accounts;
    try {
      accounts = await siteAccounts(dir, ledger, { customerXlm: "20", teller: { ...STORY_TELLER, pollSeconds: 2 }, autopayDevice: id });
    } finally {
      ledger.close();
    }
    const { passphrase, teller } = accounts;
    const cfg: GatewayConfig = {
      ...base, teller, serial: { discover: false, ports: [{ path: o.port, baudRate }], retryMs: 1000 }, health: { enabled: true, host: "127.0.0.1", port: o.httpPort },
    };
    gw = await startGateway(cfg, { logger: streamLogger((l) => process.stderr.write(l), out.verbose), keystorePassphrase: passphrase });
    if (out.jsonMode) out.json({ dashboard: `${gw.healthUrl}/` });
    else out.line(`dashboard: ${paint(out, "bold", `${gw.healthUrl}/`)}  (live; Ctrl-C stops everything)`);
    const line = (kind: string, text: string) => {
      if (out.jsonMode) out.json({ at: new Date().toISOString(), kind, text });
      else out.line(`${paint(out, "dim", new Date().toISOString().slice(11, 19))}  ${kind.padEnd(6)} ${text}`);
    };
    line("info", `${id.slice(0, 12)}… on ${o.port}: billed daily, paid by autopay from a demo wallet of 20 XLM on a fresh local ledger`);
    let relay: number | undefined;
    gw.events.on("verified", (v: VerifiedBatch) => {
      const r = v.readings[v.readings.length - 1].reading;
      line("read", `seq ${v.readings[0].reading.seq}..${r.seq} ✓ ${(r.energyIn / 1e6).toFixed(3)} kWh, ${(r.power / 1000).toFixed(0)} W, credit ${(r.credit / 3600).toFixed(1)} h`);
      if (relay !== undefined && r.relay !== relay) line("relay", r.relay ? "relay closed: the load has power" : "relay open: the load is dark");
      relay = r.relay;
    });
    gw.events.on("notice", (n: Notice) => line("notice", `${n.code}: ${n.text}`));
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, o.days * 86_400_000);
      stop.signal.addEventListener("abort", () => {
        clearTimeout(t);
        resolve();
      });
    });
    return EXIT_OK;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
