/**
 * Device status going upstream (issue 11): only a registered device's, only small, and the
 * upstream's retained map (sent again at every reconnect) stays bounded.
 */
import { describe, expect, it } from "vitest";
import { MAX_STATUS_BYTES, statusRefusal } from "../../../host/gateway/status-forward";
import { Upstream } from "../../../host/gateway/upstream";
import { Metrics } from "../../../host/gateway/metrics";
import { Spool } from "../../../host/gateway/spool";
import { openStore } from "../../../host/gateway/store-sqlite";
import { TestDevice } from "./helpers";

describe("device status forwarding", () => {
  it("passes a registered device's small status only", () => {
    const known = new TestDevice();
    const stranger = new TestDevice();
    const isRegistered = (d: string) => d === known.id;
    expect(statusRefusal(`solkit/v1/s/${known.id}/status`, "online", isRegistered)).toBeUndefined();
    expect(statusRefusal(`solkit/v1/s/${stranger.id}/status`, "online", isRegistered)).toMatch(/not registered/);
    expect(statusRefusal(`solkit/v1/s/${known.id}/status`, "x".repeat(MAX_STATUS_BYTES + 1), isRegistered)).toMatch(/limit 256/);
    expect(statusRefusal("other/topic", "online", isRegistered)).toBe("not a solkit topic");
  });

  it("the upstream keeps at most MAX_RETAINED topics, newest kept, and an empty payload clears one", () => {
    const up = new Upstream({
      broker: { url: "mqtt://127.0.0.1:1", rejectUnauthorized: true }, clientId: "t", statusTopic: "solkit/v1/s/g/status",
      spool: new Spool(openStore(":memory:"), 1 << 20, 0.8), metrics: new Metrics(), logger: { log: () => {} },
    });
    for (let i = 0; i < Upstream.MAX_RETAINED + 50; i++) up.publishRetained(`t/${i}`, "v");
    expect(up.retainedCount).toBe(Upstream.MAX_RETAINED);
    up.publishRetained(`t/${Upstream.MAX_RETAINED + 49}`, "");
    expect(up.retainedCount).toBe(Upstream.MAX_RETAINED - 1);
  });
});
