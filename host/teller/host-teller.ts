/**
 * The teller inside `solkit host` (one process on a Pi): the local ledger from the
 * configuration, tokens sent down the link each device was last heard on, notices published on
 * the device's `notice` topic (PROTOCOL.md 6.1) through the gateway's durable spool, the ledger
 * polled every few seconds.
 */
import type { Db } from "../gateway/store-sqlite";
import type { Logger } from "../gateway/log";
import type { LinkContext } from "../gateway/pipeline";
import type { DeviceRecord } from "../gateway/registry";
import { buildTopic } from "../../shared/protocol/topics";
import { LocalLedger } from "../ledger/local-ledger";
import { Teller } from "./teller";
import type { TellerConfig } from "./teller-config";

export function startTeller(
  cfg: TellerConfig, db: Db, links: Map<string, { device: DeviceRecord; link: LinkContext }>,
  publish: (topic: string, payload: string) => void, site: string, gatewayId: string, log: Logger,
): { teller: Teller; stop(): void } {
  const ledger = new LocalLedger(cfg.ledger);
  const teller = new Teller({
    db, ledger, project: cfg.project, tariff: cfg.tariff, systemValue: cfg.systemValue, logger: log,
    noticeS: cfg.noticeS, reminderS: cfg.reminderS,
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
    notice: (n) => publish(buildTopic(site, n.device || gatewayId, "notice"), JSON.stringify({ level: n.level, code: n.code, text: n.text, time: n.time })),
  });
  log.log("info", "teller", `paying into ${cfg.project} on the local ledger ${cfg.ledger}; ${Number(cfg.tariff.pricePerDay) / 1e7} a day`);
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    teller.poll().catch((e) => log.log("error", "teller", `poll failed: ${(e as Error).message}`)).finally(() => (busy = false));
  }, cfg.pollMs);
  return {
    teller,
    stop: () => {
      clearInterval(timer);
      ledger.close();
    },
  };
}
