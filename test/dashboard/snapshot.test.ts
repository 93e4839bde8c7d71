/** The dashboard's state for a site with several devices: readings for the one asked for, the latest state of every one. */
import { describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { openStore, ReadingStore } from "../../host/gateway/store-sqlite";
import { Registry } from "../../host/gateway/registry";
import { decodeFrame } from "../../shared/protocol/frame";
import { readingHash } from "../../shared/protocol/reading";
import { snapshot, READINGS_KEPT } from "../../host/dashboard/snapshot";
import { TestDevice, tempDir } from "../host/gateway/helpers";

describe("the dashboard's state", () => {
  it("per device: readings of the chosen one (at most READINGS_KEPT), the latest of each, with its proof", () => {
    const dir = tempDir();
    try {
      const db = openStore(join(dir, "gw.db"));
      const reg = new Registry(db);
      const store = new ReadingStore(db);
      const devs = [new TestDevice(), new TestDevice()];
      for (const [k, d] of devs.entries()) {
        reg.add({ id: d.id, hmacKey: d.hmacKey, name: `panel ${k + 1}` });
        for (let i = 0; i < (k === 0 ? READINGS_KEPT + 20 : 30); i++) {
          const f = decodeFrame(d.next());
          store.add({ device: d.id, seq: i, bytes: f.message, sig: f.signature, hash: readingHash(f.message), bySeq: i, receivedAt: 1_767_225_600_000 + i * 60_000 });
        }
      }
      const second = snapshot({ db, registry: reg, site: "s", adminEnabled: false, now: Date.now(), device: devs[1].id });
      expect(Object.keys(second.readings)).toEqual([devs[1].id]);
      expect(second.readings[devs[1].id].map((r) => r.seq)).toEqual([...Array(30).keys()]);
      expect(second.readings[devs[1].id][5]).toMatchObject({ seq: 5, bySeq: 5, relay: 1, power: 60_000, credit: 86_400 });
      expect(second.devices.map((d) => [d.name, d.energyIn])).toEqual([["panel 1", (READINGS_KEPT + 20) * 1000], ["panel 2", 30_000]]);
      const first = snapshot({ db, registry: reg, site: "s", adminEnabled: false, now: Date.now() });
      expect(first.readings[devs[0].id]).toHaveLength(READINGS_KEPT);
      expect(first.readings[devs[0].id][READINGS_KEPT - 1].seq).toBe(READINGS_KEPT + 19);
      expect(first).toMatchObject({ teller: false, bills: [], payments: [], notices: [] });
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
