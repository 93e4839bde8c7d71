/**
 * The teller inside `solkit host` (issue 12): configured in the host's file, it finds a payment
 * on the local ledger, sends the credit token down the link the device was last heard on,
 * queues notices on the device's `notice` topic, and `solkit teller status` shows it all.
 */
import { afterEach, describe, expect, it } from "vitest";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Keypair, Memo } from "@stellar/stellar-base";
import { decodeFrame } from "../../shared/protocol/frame";
import { decodeToken, TOKEN_ADD_CREDIT } from "../../shared/protocol/token";
import { KIND_TOKEN } from "../../shared/protocol/common";
import { loadConfig } from "../../host/gateway/config";
import { startGateway, type Gateway } from "../../host/gateway/gateway";
import { MemoryLogger } from "../../host/gateway/log";
import type { LinkContext } from "../../host/gateway/pipeline";
import { LocalLedger } from "../../host/ledger/local-ledger";
import { TestDevice, tempDir, waitFor } from "../host/gateway/helpers";
import { solkit } from "../cli/helpers";

let gw: Gateway | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the teller in solkit host", () => {
  it("a payment on the ledger reaches the device as a credit token over its link; teller status shows it", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const project = Keypair.random();
    const customer = Keypair.random();
    const ledgerFile = join(dir, "ledger.db");
    const seed = new LocalLedger(ledgerFile);
    await seed.fund(project.publicKey(), "10");
    await seed.fund(customer.publicKey(), "100");
    seed.close();
    const config = join(dir, "host.json");
    writeFileSync(config, JSON.stringify({
      site: "t", database: "gateway.db", devices: { none: true }, upstream: { url: "mqtt://127.0.0.1:1" },
      serial: { discover: false, ports: [] }, health: { enabled: false },
      teller: { ledger: "ledger.db", project: project.publicKey(), asset: "XLM", pricePerDay: "0.5", pricePerKwh: "0.1", systemValue: "500", pollSeconds: 1 },
    }));
    const log = new MemoryLogger();
    gw = await startGateway(loadConfig(config), { logger: log });
    const dev = new TestDevice();
    gw.registry.add({ id: dev.id, hmacKey: dev.hmacKey });
    const downlink: Uint8Array[] = [];
    const link: LinkContext = { name: "test", relay: true, sendAck: (_d, frame) => downlink.push(frame) };
    gw.pipeline.submit(decodeFrame(dev.next()), link); // heard once: the teller knows its link
    await waitFor(() => downlink.length === 1, "the ack");

    const ledger = new LocalLedger(ledgerFile);
    expect((await ledger.pay(customer, project.publicKey(), "native", "1.5", Memo.text(dev.id.slice(0, 28)))).successful).toBe(true);
    ledger.close();
    await waitFor(() => downlink.some((f) => f[0] === KIND_TOKEN), "the credit token", 10_000);
    const token = decodeToken(downlink.find((f) => f[0] === KIND_TOKEN)!);
    expect(token).toMatchObject({ tokenKind: TOKEN_ADD_CREDIT, counter: 1, amount: 3 * 86400 });
    expect(gw.spool.next(0, 100).map((m) => m.topic)).toContain(`solkit/v1/t/${dev.id}/notice`);
    expect(log.find("notice")[0].text).toMatch(/payment: paid 1\.5000000 .*\+3\.00 days of supply, token 1/);

    const st = solkit(["teller", "status", "-c", config, "--json"]);
    expect(st.status).toBe(0);
    expect(JSON.parse(st.stdout)).toEqual([expect.objectContaining({ device: dev.id, paid: "1.5000000", tokensWaiting: 1, unlocked: false })]);
  }, 60_000);

  it("a bad teller section lists every problem with its path (exit 2 from solkit host)", () => {
    const dir = tempDir();
    dirs.push(dir);
    const config = join(dir, "host.json");
    writeFileSync(config, JSON.stringify({ teller: { project: "GNOPE", pricePerDay: "free", bands: [{ from: "25:00", to: "06:00", pricePerKwh: "0.1" }], colour: 1 } }));
    const r = solkit(["teller", "status", "-c", config]);
    expect(r.status).toBe(2);
    for (const path of ["$.teller.colour", "$.teller.project", "$.teller.pricePerDay", "$.teller.bands[0].from"]) expect(r.stderr).toContain(path);
  });
});
