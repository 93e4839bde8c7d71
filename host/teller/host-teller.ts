/**
 * The teller inside `solkit host` (one process on a Pi): the ledger from the configuration,
 * the keys it signs with from the keystore (the project's for anchors, customers' for
 * autopay; unlocked once at start so a missing passphrase stops the host at once rather than
 * a month later), the price oracle if one is configured, tokens sent down the link each device
 * was last heard on, notices published on the device's `notice` topic (PROTOCOL.md 6.1)
 * through the gateway's durable spool, the ledger polled every few seconds.
 */
import type { Keypair } from "@stellar/stellar-base";
import type { Db } from "../gateway/store-sqlite";
import type { Logger } from "../gateway/log";
import type { LinkContext } from "../gateway/pipeline";
import type { DeviceRecord } from "../gateway/registry";
import { buildTopic } from "../../shared/protocol/topics";
import { SolkitError } from "../../shared/errors";
import { Keystore, PASSPHRASE_ENV } from "../ledger/keystore";
import { openLedger } from "../ledger/open-ledger";
import { fromStroops } from "../ledger/ledger";
import { PriceOracle } from "./oracle";
import { Teller, type Notice } from "./teller";
import type { TellerConfig } from "./teller-config";

/**
 * The keys the configuration names, unlocked.
 * @throws SolkitError E_KEYSTORE when the passphrase is missing or a name is not in the keystore
 */
function tellerKeys(cfg: TellerConfig, passphrase: string | undefined): { project?: Keypair; payers: Map<string, Keypair> } {
  const names = [...(cfg.projectKey ? [cfg.projectKey] : []), ...Object.values(cfg.autopay)];
  const payers = new Map<string, Keypair>();
  if (names.length === 0) return { payers };
  const ks = new Keystore(cfg.keystore, passphrase);
  const get = (name: string) => {
    if (ks.publicOf(name) === undefined) throw new SolkitError("E_KEYSTORE", `the teller's keystore ${cfg.keystore} has no account "${name}" (solkit ledger account new ${name})`);
    return ks.keypair(name);
  };
  const project = cfg.projectKey ? get(cfg.projectKey) : undefined;
  if (project && project.publicKey() !== cfg.project) throw new SolkitError("E_KEYSTORE", `the keystore's "${cfg.projectKey}" is ${project.publicKey()}, not the project ${cfg.project}`);
  for (const [device, name] of Object.entries(cfg.autopay)) payers.set(device, get(name));
  return { project, payers };
}

export interface TellerHooks {
  /** A virtual clock (ms): the teller is then polled by the caller, not on a timer. */
  now?: () => number;
  /** The keystore's passphrase (default: the environment's SOLKIT_KEYSTORE_PASSPHRASE). */
  passphrase?: string;
  /** Every notice, as it is published. */
  onNotice?: (n: Notice) => void;
  /** After every poll (the dashboard refreshes the books). */
  afterPoll?: () => void;
}

export function startTeller(
  cfg: TellerConfig, db: Db, links: Map<string, { device: DeviceRecord; link: LinkContext }>,
  publish: (topic: string, payload: string) => void, site: string, gatewayId: string, log: Logger, hooks: TellerHooks = {},
): { teller: Teller; poll(): Promise<void>; stop(): void } {
  const { now } = hooks;
  const keys = tellerKeys(cfg, hooks.passphrase ?? process.env[PASSPHRASE_ENV]);
  const clock = now ?? Date.now;
  const ledger = openLedger({ file: cfg.ledger, horizon: cfg.horizon }, () => Math.floor(clock() / 1000));
  const oracle = cfg.price ? new PriceOracle(db, cfg.tariff, cfg.price, log, () => Math.floor(clock() / 1000)) : undefined;
  const teller = new Teller({
    db, ledger, now: clock, project: cfg.project, tariff: cfg.tariff, systemValue: cfg.systemValue, logger: log,
    noticeS: cfg.noticeS, reminderS: cfg.reminderS, mode: cfg.mode, period: cfg.period, graceS: cfg.graceS, instalment: cfg.instalment,
    projectKey: keys.project, payerOf: (device) => keys.payers.get(device), priceAt: oracle && ((t) => oracle.priceAt(t)),
    deliver: (device, frame) => {
      const l = links.get(device);
      if (l === undefined) return false;
      try {
        l.link.sendAck(l.device, frame); // any downlink frame: acks and tokens share the line and the cmd topic
        return true;
      } catch {
        return false;
      }
    },
    notice: (n) => {
      hooks.onNotice?.(n);
      publish(buildTopic(site, n.device || gatewayId, "notice"), JSON.stringify({ level: n.level, code: n.code, text: n.text, time: n.time }));
    },
  });
  oracle?.start();
  log.log("info", "teller", `${cfg.mode}, paying into ${cfg.project} on ${ledger.describe}; ${fromStroops(cfg.tariff.pricePerDay)} a day, ${fromStroops(cfg.tariff.pricePerKwh)} a kWh${oracle ? ` (${oracle.source})` : ""}; ${keys.project ? "bills anchored" : "bills not anchored (no projectKey)"}`);
  // What changed in the books since the last poll: the dashboard reloads only then.
  const fingerprint = () => JSON.stringify(db.prepare(`SELECT (SELECT COUNT(*) FROM teller_bills) AS b, (SELECT COUNT(*) FROM teller_bills WHERE anchor_state = 'anchored' OR pay_state = 'paid') AS bd,
    (SELECT COUNT(*) FROM teller_payments) AS p, (SELECT COUNT(*) FROM teller_payments WHERE confirmed_at IS NOT NULL) AS pc, (SELECT COUNT(*) FROM teller_payments WHERE delivered_at IS NOT NULL) AS ps,
    (SELECT MAX(id) FROM teller_notices) AS n`).get());
  let seen = "";
  let busy = false;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      await teller.poll();
    } catch (e) {
      log.log("error", "teller", `poll failed: ${(e as Error).message}`);
    } finally {
      busy = false;
      const fp = fingerprint();
      if (fp !== seen) hooks.afterPoll?.();
      seen = fp;
    }
  };
  // On a virtual clock (the simulator) the caller polls; on the wall clock, a timer does.
  const timer = now ? undefined : setInterval(() => void poll(), cfg.pollMs);
  return {
    teller,
    poll,
    stop: () => {
      clearInterval(timer);
      oracle?.stop();
      ledger.close();
    },
  };
}
