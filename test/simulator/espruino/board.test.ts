import { describe, expect, it } from "vitest";
import { EspruinoBoard } from "../../../simulator/espruino/board";
import { makeBoard } from "./helpers";

describe("EspruinoBoard: the Espruino API on emulated hardware", () => {
  it("lacks what Espruino 2v2x lacks, failing as the board does", () => {
    const { board } = makeBoard();
    const probe = ["Map", "Set", "WeakMap", "Symbol", "BigInt", "Proxy", "Reflect", "WebAssembly", "Math.imul", "Number.isInteger", "Array.from", "Object.freeze"];
    expect(board.runCode(`[${probe.map((p) => `typeof ${p}`).join(", ")}].join(" ")`).value).toBe("undefined ".repeat(12).trim());
    board.runCode("var m = new Map();");
    expect(board.console.printed.at(-1)).toBe('Uncaught ReferenceError: "Map" is not defined');
    board.runCode("Array.from([1]);");
    expect(board.console.printed.at(-1)).toBe('Uncaught Error: Function "from" not found!');
    expect(board.runCode("typeof Promise + typeof DataView + typeof btoa + typeof global").value).toBe("functionfunctionfunctionobject");
  });

  it("counts a pulse train with setWatch, debounced, without keeping the train in memory", () => {
    const { board } = makeBoard();
    board.runCode(`
      var pulses = 0, last;
      pinMode(D25, "input_pullup");
      setWatch(function (e) { pulses++; last = e; }, D25, { repeat: true, edge: "falling", debounce: 10 });
    `);
    board.pulse("D25", 5000, 3600_000, { widthMs: 40 });
    board.advance(1800_000);
    expect(board.runCode("pulses").value).toBe(2500);
    board.advance(1800_000);
    expect(board.runCode("pulses").value).toBe(5000);
    expect(board.runCode("[last.state, last.time, last.lastTime, last.pin].join()").value).toBe(`false,${(4999 * 720) / 1000},${(4998 * 720 + 40) / 1000},D25`);
  });

  it("debounce swallows bounces shorter than its time; a one-shot watch fires once", () => {
    const { board } = makeBoard();
    board.runCode(`
      var n = 0, once = 0;
      setWatch(function () { n++; }, D4, { repeat: true, edge: "rising", debounce: 20 });
      setWatch(function () { once++; }, D4, { edge: "rising" });
    `);
    for (const [t, v] of [[100, 1], [105, 0], [108, 1], [300, 0], [400, 1], [402, 0]] as const) board.setInput("D4", v, t);
    board.advance(1000);
    expect(board.runCode("[n, once].join()").value).toBe("1,1");
  });

  it("drives outputs and keeps a change log with virtual times", () => {
    const { board } = makeBoard();
    board.runCode(`setTimeout(function () { digitalWrite(D26, 1); }, 1000); setTimeout(function () { D26.reset(); }, 3000);`);
    board.advance(5000);
    expect(board.pinLevelAt("D26", 500)).toBe(0);
    expect(board.pinLevelAt("D26", 2000)).toBe(1);
    expect(board.pinLevel("D26")).toBe(0);
    expect(board.pinChanges.filter((c) => c.pin === "D26").map((c) => [c.t, c.level])).toEqual([[1000, 1], [3000, 0]]);
    board.setAnalog("D34", 0.25);
    expect(board.runCode("analogRead(D34)").value).toBe(0.25);
    board.setInput("D5", 1);
    board.advance(0);
    expect(board.runCode("digitalRead(D5)").value).toBe(1);
  });

  it("resets a board whose loop stops kicking the watchdog, and boots from .bootcde", () => {
    const { board } = makeBoard();
    board.runCode(`E.setBootCode("var booted = (typeof booted === 'number' ? booted : 0) + 1; print('booted');");`);
    board.runCode(`
      E.enableWatchdog(2, false);
      var kicks = 0;
      var id = setInterval(function () { E.kickWatchdog(); if (++kicks === 5) clearInterval(id); }, 1000);
    `);
    board.advance(6000);
    expect(board.resets.length).toBe(1);
    board.advance(1500); // last kick at 5 s: the 2 s timeout passes at 7 s
    expect(board.resets.map((r) => [r.reason, r.t])).toEqual([["power-on", 0], ["watchdog", 7000]]);
    expect(board.runCode("typeof kicks + booted").value).toBe("undefined1");
    board.advance(60_000);
    expect(board.resets.length).toBe(2); // a hardware reset stops the watchdog
  });

  it("resets through the watchdog when a callback never returns (automatic kicking)", () => {
    const { board } = makeBoard({ callbackTimeoutMs: 100 });
    board.runCode(`E.enableWatchdog(1); setTimeout(function () { for (;;) {} }, 10);`);
    board.advance(100);
    expect(board.resets.map((r) => r.reason)).toEqual(["power-on", "watchdog"]);
    expect(board.hangs).toBe(1);
  });

  it("reset() runs only .bootrst; load() and a power cycle run .bootcde", () => {
    const { board } = makeBoard();
    board.runCode(`require("Storage").write(".bootcde", "var which = 'cde';"); E.on; `);
    board.runCode("reset();");
    expect(board.runCode("typeof which").value).toBe("undefined");
    board.runCode("load();");
    expect(board.runCode("which").value).toBe("cde");
    board.runCode(`E.setBootCode("var which = 'rst';", true);`);
    board.runCode("reset();");
    expect(board.runCode("which").value).toBe("rst");
    board.powerOff();
    board.powerOn();
    expect(board.runCode("which").value).toBe("rst");
    expect(board.resets.map((r) => r.reason)).toEqual(["power-on", "reset()", "load()", "reset()", "power-on"]);
  });

  it("save() keeps this boot's code and a power cycle replays it; onInit runs", () => {
    const { board } = makeBoard();
    board.consoleInput("var saved = 41; function onInit() { saved++; }\r");
    board.consoleInput("save()\r");
    expect(board.storage.list()).toContain(".varimg");
    board.powerOff();
    board.powerOn();
    expect(board.runCode("saved").value).toBe(42);
  });

  it("E.hwRand and Math.random are deterministic per seed", () => {
    const draw = (seed: number) => {
      const { board } = makeBoard({ seed });
      return board.runCode("[E.hwRand(), E.hwRand(), Math.random()].join()").value;
    };
    expect(draw(7)).toBe(draw(7));
    expect(draw(7)).not.toBe(draw(8));
    const { board } = makeBoard();
    expect(board.runCode("var r = E.hwRand(); r === (r | 0)").value).toBe(true);
  });

  it("crypto, btoa/atob, E.toString/toUint8Array/toArrayBuffer and Storage in the board's realm", () => {
    const { board } = makeBoard();
    const r = board.runCode(`
      var h = require("crypto").SHA256("abc");
      var s = require("crypto").SHA512(new Uint8Array([1, 2, 3]));
      var S = require("Storage");
      S.write("bin", new Uint8Array([0, 255, 7]));
      S.writeJSON("j", { a: 1, t: "\\xe9" });
      [h instanceof ArrayBuffer, h.byteLength, new Uint8Array(h)[0], s.byteLength,
       btoa("\\x00\\xff"), atob("AP8=").charCodeAt(1), E.toString([104, 105]), E.toUint8Array("hi", [1]).join("-"),
       new Uint8Array(E.toArrayBuffer("AB"))[1], S.read("bin").charCodeAt(1), new Uint8Array(S.readArrayBuffer("bin"))[2],
       S.read("j"), S.readJSON("j").t === "\\xe9", S.list().join("|")].join()`);
    expect(r.value).toBe(
      'true,32,186,64,AP8=,255,hi,104-105-1,66,255,7,{"a":1,"t":"\\xE9"},true,bin|j',
    );
  });

  it("process.memory reports the board's jsVars; E.getSizeOf estimates blocks", () => {
    const { board } = makeBoard({ jsVars: 2000 });
    board.runCode("var big = []; for (var i = 0; i < 300; i++) big.push(i);");
    const m = board.runCode("var m = process.memory(); [m.total, m.usage + m.free].join()").value;
    expect(m).toBe("2000,2000");
    expect(board.runCode("process.memory().usage").value).toBeGreaterThan(600);
    expect(board.runCode("E.getSizeOf([1, 2, 3])").value).toBe(7);
  });

  it("takes pin names and aliases from the board file (STM32 style)", () => {
    const board = new EspruinoBoard({
      pins: [{ name: "B2", aliases: ["LED1"] }, { name: "C13", aliases: ["BTN1", "BTN"] }, "A0", "A1"],
      jsVars: 5000,
      flashBytes: 8 * 2048,
      pageBytes: 2048,
      seed: 3,
      boardName: "PICO_R1_3",
    });
    board.powerOn();
    board.runCode("LED1.set(); digitalWrite([A0, A1], 2);");
    expect(board.pinLevel("B2")).toBe(1);
    expect([board.pinLevel("A0"), board.pinLevel("A1")]).toEqual([1, 0]);
    expect(board.runCode("BTN === BTN1 && typeof D5").value).toBe("undefined");
    expect(board.runCode("process.env.BOARD").value).toBe("PICO_R1_3");
  });

  it("pin objects: every method acts on its own pin (shared methods, one set per board), names, modes, toggles", () => {
    const board = new EspruinoBoard({ pins: [{ name: "B2", aliases: ["LED1"] }, "A0", "A1"], jsVars: 5000, flashBytes: 8 * 2048, pageBytes: 2048, seed: 3 });
    board.powerOn();
    board.runCode("A0.mode('output'); A1.mode('output'); A0.set(); A1.reset(); LED1.write(true);");
    expect([board.pinLevel("A0"), board.pinLevel("A1"), board.pinLevel("B2")]).toEqual([1, 0, 1]);
    board.runCode("A0.toggle(); A1.toggle();");
    expect([board.pinLevel("A0"), board.pinLevel("A1")]).toEqual([0, 1]);
    expect(board.runCode("[String(A0), '' + LED1, A1.getMode(), A0.read(), A1.read(), Pin('A1') === A1, A0.read === A1.read]").value).toEqual(["A0", "B2", "output", false, true, true, true]);
    // A second board's pins are its own.
    const other = new EspruinoBoard({ pins: ["A0"], jsVars: 5000, flashBytes: 8 * 2048, pageBytes: 2048, seed: 4 });
    other.powerOn();
    other.runCode("A0.mode('output'); A0.set();");
    expect([other.pinLevel("A0"), board.pinLevel("A0")]).toEqual([1, 0]);
  });
});
