import { describe, expect, it } from "vitest";
import { runInEspruinoSandbox } from "../../../simulator/espruino/sandbox";

describe("runInEspruinoSandbox", () => {
  it("collects print() and console.log lines", () => {
    expect(runInEspruinoSandbox('print("a", 1); console.log({ b: 2 });').lines).toEqual(["a 1", '{"b":2}']);
  });

  it("lacks what Espruino 2v2x lacks and keeps what it has", () => {
    const probe = [
      "Map", "Set", "WeakMap", "Symbol", "BigInt", "Proxy", "Reflect", "Math.imul", "Number.isInteger", "Array.from", "Object.freeze",
      "Uint8Array", "DataView", "Promise", "JSON", "Object.assign",
    ].map((n) => `typeof ${n}`).join(", ");
    const r = runInEspruinoSandbox(`print([${probe}].join(" "));`);
    expect(r.lines[0]).toBe(`${"undefined ".repeat(11)}function function function object function`);
  });

  it("reports an uncaught error as a board would, and what was printed before it", () => {
    const r = runInEspruinoSandbox('print("before"); new Map();');
    expect(r.lines).toEqual(["before", "Uncaught ReferenceError: Map is not defined"]);
    expect(r.error).toBe("ReferenceError: Map is not defined");
  });

  it("stops a run that does not end", () => {
    const r = runInEspruinoSandbox("for (;;) {}", { timeoutMs: 50 });
    expect(r.error).toMatch(/timed out/);
  });
});
