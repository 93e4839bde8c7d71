import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOARD_SCHEMA_FILE, boardSchemaText, generateBoardSchema, type JsonSchema } from "../../scripts/gen-board-schema";
import { checkSchema } from "../../boards/schema-check";

describe("boards/board.schema.json", () => {
  it("is exactly what scripts/gen-board-schema.ts generates from the Board type (run it after editing the type)", () => {
    expect(readFileSync(BOARD_SCHEMA_FILE, "utf8")).toBe(boardSchemaText());
  });

  it("describes Board with its required fields, enums, bounds and the sensor union", () => {
    const s = generateBoardSchema();
    expect(s.$ref).toBe("#/definitions/Board");
    const board = s.definitions!.Board;
    expect(board.additionalProperties).toBe(false);
    expect(board.required).toEqual(["id", "name", "target", "buildable", "mcu", "source", "pins", "chipPins", "link", "flash", "usb"]);
    expect(s.definitions!.Target.enum).toEqual(["espruino", "nodemcu", "node"]);
    expect(s.definitions!.MeterInput.properties!.impPerKWh.minimum).toBe(1);
    expect(s.definitions!.BoardPins.properties!.relay.minItems).toBe(1);
    expect(s.definitions!.BoardPins.properties!.sensor).toEqual({ $ref: "#/definitions/PowerSensor" });
    expect(s.definitions!.PowerSensor.anyOf).toHaveLength(2);
    expect(s.definitions!.ChipPin.properties!.name.description).toMatch(/Espruino/);
  });

  it("refuses a construct it cannot express instead of dropping it", () => {
    const dir = mkdtempSync(join(tmpdir(), "solkit-schema-"));
    const file = join(dir, "t.ts");
    writeFileSync(file, "export interface Board { id: string; when: Date }\n");
    expect(() => generateBoardSchema(file)).toThrow(/unsupported type Date at Board.when/);
    writeFileSync(file, "export interface Board {\n  /** @minimun 3 */\n  id: number;\n}\n");
    expect(() => generateBoardSchema(file)).toThrow(/unknown tag @minimun/);
  });
});

describe("checkSchema", () => {
  const schema = generateBoardSchema();
  const check = (value: unknown, name: string) => checkSchema(value, { $ref: `#/definitions/${name}` } as JsonSchema, schema);

  it("reports missing, unknown (with a suggestion) and mistyped fields together", () => {
    const problems = check({ pin: 3, impPerKwh: 1000, edge: "down", pull: "up" }, "MeterInput");
    expect(problems).toEqual([
      { path: "impPerKWh", message: "missing (required)" },
      { path: "debounceMs", message: "missing (required)" },
      { path: "pin", message: "expected a string, got a number" },
      { path: "impPerKwh", message: 'unknown field (did you mean "impPerKWh"?)' },
      { path: "edge", message: '"down" is not one of "falling", "rising"' },
    ]);
  });

  it("checks bounds, patterns and array lengths", () => {
    expect(check({ vendor: "10C4", product: "ea60", chip: "x" }, "UsbId")).toEqual([
      { path: "vendor", message: '"10C4" does not match ^[0-9a-f]{4}$' },
    ]);
    expect(check({ relay: [] }, "BoardPins")).toEqual([{ path: "relay", message: "needs at least 1 item, got 0" }]);
    expect(check({ pin: "A0", kind: "adc", wattsPerVolt: -1 }, "AdcSensor")).toEqual([
      { path: "wattsPerVolt", message: "must be at least 0, got -1" },
    ]);
  });

  it("reports a union member's own errors by its kind, or the kinds allowed", () => {
    expect(check({ kind: "ina219", sda: "GPIO2", scl: "GPIO3", address: 200, shuntMilliohms: 100 }, "PowerSensor")).toEqual([
      { path: "address", message: "must be at most 79, got 200" },
    ]);
    expect(check({ kind: "hall" }, "PowerSensor")).toEqual([{ path: "kind", message: 'must be one of "ina219", "adc"' }]);
    expect(check("x", "Board")).toEqual([{ path: "$", message: "expected an object, got a string" }]);
  });
});
