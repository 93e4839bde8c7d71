/** Broker URLs in logs and status never carry a credential, whatever the password holds (issue 11). */
import { describe, expect, it } from "vitest";
import { safeUrl } from "../../../host/gateway/mqtt-connect";

describe("safeUrl", () => {
  it("drops the whole user-info part, up to the last @ before the host", () => {
    expect(safeUrl("mqtts://gw:p%40ss@w0rd@broker.example:8883/x")).toBe("mqtts://broker.example:8883/x");
    expect(safeUrl("mqtt://user:p@ss@w0rd@10.0.0.2:1883")).toBe("mqtt://10.0.0.2:1883");
    expect(safeUrl("mqtt://user@host")).toBe("mqtt://host");
    expect(safeUrl("mqtt://127.0.0.1:1883")).toBe("mqtt://127.0.0.1:1883");
    // An @ in the path or query is not user info and stays.
    expect(safeUrl("ws://host:9001/mqtt?who=a@b")).toBe("ws://host:9001/mqtt?who=a@b");
    for (const u of ["mqtt://a:s3cr3t@h", "mqtt://a:s3@cr3t@h/p", "mqtts://a:s3cr3t%40x@h:1"]) expect(safeUrl(u)).not.toMatch(/s3|cr3t/);
  });
});
