import { describe, expect, it } from "vitest";
import { BOUND_GLOBALS, withBoundGlobals } from "../../../simulator/espruino/bound-globals";
import { makeBoard } from "./helpers";

describe("boot code with its globals bound (bound-globals.ts)", () => {
  it("wraps one immediately-called function, and nothing else", () => {
    for (const iife of ["!function(){var a=Math.floor(1.5)}();", "(function(){})()", "(function(){}());", "!function(){}() // done"]) {
      expect(withBoundGlobals(iife)).toMatch(/^\(function\(Math,Uint8Array,.*\)\{/);
    }
    for (const other of ["var x = 1;", "!function(){}(); var x = 1;", "function onInit(){}", "!function(){}(", "foo()", "!function(){}"]) {
      expect(withBoundGlobals(other)).toBe(other);
    }
  });

  it("binds only names every board defines before its boot code runs", () => {
    const { board } = makeBoard();
    const types = board.runCode(`[${BOUND_GLOBALS.map((g) => `typeof ${g}`).join(",")}].join(" ")`).value as string;
    expect(types.split(" ").map((t, i) => `${BOUND_GLOBALS[i]}:${t}`).filter((t) => t.endsWith(":undefined"))).toEqual([]);
  });

  it("runs a bundle-shaped .bootcde the same: the same objects, globals it sets, errors as the board words them", () => {
    const { board, out } = makeBoard();
    const boot = `!function(){
      global.seen = [Math === global.Math, Uint8Array === global.Uint8Array, getTime === global.getTime, E === global.E, require("Storage") === global.require("Storage")].join();
      global.t0 = getTime();
      setTimeout(function(){ global.late = typeof Map; }, 10);
      var m = new Map();
    }();`;
    expect(withBoundGlobals(boot)).not.toBe(boot);
    board.runCode(`require("Storage").write(".bootcde", ${JSON.stringify(boot)});`);
    board.powerOff();
    board.powerOn();
    board.advance(20);
    expect(board.runCode("seen").value).toBe("true,true,true,true,true");
    expect(board.runCode("typeof t0 + ' ' + late").value).toBe("number undefined");
    expect(out()).toContain('Uncaught ReferenceError: "Map" is not defined');
    // Properties changed later are seen by the running program (the objects are the same).
    board.runCode("E.marked = 1;");
    expect(board.runCode("E.marked").value).toBe(1);
  });

  it("leaves a .bootcde with top-level declarations as it is: they stay globals", () => {
    const { board } = makeBoard();
    board.runCode(`require("Storage").write(".bootcde", "var which = 'cde'; function onInit(){ global.inited = Math.max(1, 2); }");`);
    board.powerOff();
    board.powerOn();
    expect(board.runCode("which + ' ' + inited").value).toBe("cde 2");
  });
});
