/**
 * A paying site on virtual time (issue 12, and the demo's engine): the built firmware on an
 * emulated board with its panel and load, the real gateway with the teller inside it, and the
 * local ledger with a funded project and customer account whose keys sit in a keystore. One
 * clock drives everything — the board, the gateway's receipt times and acks, the teller and the
 * ledger — so a month runs in seconds and every step can be checked.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Memo, type Keypair } from "@stellar/stellar-base";
import type { Board } from "../../boards/board-type";
import type { Logger } from "../../host/gateway/log";
import { LocalLedger } from "../../host/ledger/local-ledger";
import type { SubmitResult } from "../../host/ledger/ledger";
import type { Notice, Teller } from "../../host/teller/teller";
import { siteAccounts } from "./accounts";
import { GatewayHost } from "../host/gateway-host";
import type { HostDevice, SimHost } from "../host/sim-host";
import type { LineTap } from "../host/tap";
import { DeviceRig } from "../scenario/rig";
import type { Load } from "../world/world";

export interface SiteOptions {
  board: Board;
  firmware: string;
  seed: number;
  /** Unix seconds at the start. */
  startUnixS: number;
  /** The host's "teller" section, less project, ledger and keystore (the site makes those). */
  teller: Record<string, unknown>;
  /** Lumens the customer's wallet starts with. */
  customerXlm: string;
  /** Postpaid: the customer's key signs autopays (else the customer pays by hand). */
  autopay?: boolean;
  loads: Load[];
  panelWp?: number;
  clouds?: number;
  device: { intervalS: number; signEvery: number };
  /** Simulated ms per step (default 5 min) and between teller polls (default 5 min). */
  stepMs?: number;
  pollMs?: number;
  log?: Logger;
  /** Serve the host's dashboard on this loopback port (0: any free one). */
  httpPort?: number;
  adminToken?: string;
  /** An MQTT broker the gateway relays to (default: its embedded one). */
  upstreamUrl?: string;
}

export class TellerSite {
  readonly notices: Notice[] = [];
  private stopped = false;

  private constructor(
    readonly o: SiteOptions, readonly dir: string, readonly rig: DeviceRig, readonly host: GatewayHost, readonly ledger: LocalLedger,
    readonly project: Keypair, readonly customer: Keypair, private readonly clock: { ms: number },
  ) {}

  /**
   * Funds the accounts, provisions the board, and starts the gateway with the teller.
   * @throws Error when the firmware does not boot or the gateway does not start
   */
  static async start(o: SiteOptions): Promise<TellerSite> {
    const dir = mkdtempSync(join(tmpdir(), "solkit-site-"));
    const clock = { ms: o.startUnixS * 1000 };
    const nowS = () => Math.floor(clock.ms / 1000);
    const ledger = new LocalLedger(join(dir, "ledger.db"), { now: nowS });
    const rig = new DeviceRig({
      board: o.board, firmware: o.firmware, seed: o.seed, device: o.device, callbackTimeoutMs: 10_000,
      world: { startUnixS: o.startUnixS, latitude: 0, clouds: o.clouds ?? 0.2, panelWp: o.panelWp ?? 200, loads: o.loads, meter: "loads" },
    });
    // Provisioned first: the teller's autopay section names the device.
    let dev: { d: HostDevice; tap: LineTap } | undefined;
    rig.start({ addDevice: (d: HostDevice, tap: LineTap) => (dev = { d, tap }) } as unknown as SimHost);
    const { project, customer, passphrase, teller } = await siteAccounts(dir, ledger, { customerXlm: o.customerXlm, teller: o.teller, autopayDevice: o.autopay ? rig.id : undefined });
    const site: { s?: TellerSite } = {};
    const host = await GatewayHost.start(o.log, { dir, teller, now: () => clock.ms, keystorePassphrase: passphrase, onNotice: (n) => site.s?.notices.push(n), httpPort: o.httpPort, adminToken: o.adminToken, upstreamUrl: o.upstreamUrl });
    host.addDevice(dev!.d, dev!.tap);
    site.s = new TellerSite(o, dir, rig, host, ledger, project, customer, clock);
    return site.s;
  }

  get teller(): Teller {
    return this.host.gateway.teller!;
  }

  /** Unix ms on the site's clock. */
  get nowMs(): number {
    return this.clock.ms;
  }

  /** Runs `ms` of simulated time; `each` after every step. */
  async run(ms: number, each?: () => void | Promise<void>): Promise<void> {
    const step = this.o.stepMs ?? 300_000;
    const poll = this.o.pollMs ?? 300_000;
    const end = this.rig.now + ms;
    let nextPoll = this.rig.now;
    while (this.rig.now < end && !this.stopped) {
      const to = Math.min(end, this.rig.now + step);
      this.rig.step(to, this.host);
      this.clock.ms = this.o.startUnixS * 1000 + to;
      await this.host.settle();
      await this.host.settle();
      if (to >= nextPoll) {
        await this.host.gateway.pollTeller();
        nextPoll = to + poll;
      }
      if (each) await each();
    }
  }

  /** The customer pays the project by hand, naming the device in the memo. */
  pay(xlm: string): Promise<SubmitResult> {
    return this.ledger.pay(this.customer, this.project.publicKey(), "native", xlm, Memo.text(this.rig.id.slice(0, 28)));
  }

  /** The customer's wallet gets money from elsewhere (the ledger's root stands in for an exchange). */
  fundCustomer(xlm: string): Promise<SubmitResult> {
    return this.ledger.pay(this.ledger.root(), this.customer.publicKey(), "native", xlm);
  }

  balance(who: Keypair): bigint {
    return this.ledger.balanceOf(who.publicKey(), "native");
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.rig.dispose();
    await this.host.close();
    this.ledger.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
