/**
 * The NodeMCU build's Lua heap once the device signs (issue 14): the base-point table is one Lua
 * string (firmware/targets/nodemcu/lua-table-decode.ts), not a typed array, which in Lua is a
 * table of 16-byte slots — that way signing added ~510 KiB to the heap (362 at boot, 875 after).
 * Measured in Debian's lua5.3 on the built bundle, after full garbage collections. From LFS (NodeMCU's
 * own core) the table is a constant in flash: the build writes its bytes into the bundle
 * (toolchain/nodemcu-target.ts, inlineTables), so signing decodes nothing into RAM (it took 24 KiB).
 */
import { describe, expect, it } from "vitest";
import { loadBoard } from "../../../boards/validate";
import { NodeMcuBoard } from "../../../simulator/lua/nodemcu-board";
import { ensureFirmware } from "../../../simulator/scenario/artifact";

const mcu = loadBoard("nodemcu-esp32");

/** KiB of Lua heap the board's program gained from boot to ten minutes of signed readings. */
function growthSigningTenMinutes(b: NodeMcuBoard): number {
  try {
    b.powerOn();
    const boot = b.heapKiB();
    expect(b.repl(`print(solkit.provisionKey(false, "${"5a".repeat(32)}"))`)).toMatch(/G[A-Z2-7]{55}$/);
    b.repl(`solkit.setHostKey("${"a5".repeat(32)}")`);
    b.advance(10 * 60_000);
    expect(b.repl("solkit.status()")).toMatch(/newest seq (9|1\d)\b/); // readings were made and signed (the console has locked by now)
    return b.heapKiB() - boot;
  } finally {
    b.dispose();
  }
}

describe("nodemcu-esp32 Lua heap", () => {
  it("signing readings for ten minutes adds less than 64 KiB to the heap at boot", async () => {
    expect(growthSigningTenMinutes(new NodeMcuBoard(mcu, (await ensureFirmware(mcu.id)).code, 3))).toBeLessThan(64);
  }, 120_000);

  it("from LFS: no base64 table in the bundle, and signing for ten minutes adds less than 20 KiB (the table stays in flash)", async () => {
    const code = (await ensureFirmware(mcu.id)).code;
    expect(code).not.toMatch(/BASE_TABLE_BASE64 = "[A-Za-z0-9+/]{64}/);
    expect(growthSigningTenMinutes(new NodeMcuBoard(mcu, code, 3, { lfs: true }))).toBeLessThan(20);
  }, 120_000);
});
