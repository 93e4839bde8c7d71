import { describe, expect, it } from "vitest";
import { makeBoard } from "./helpers";

describe("virtual-time event loop", () => {
  it("runs timeouts and intervals in time order on virtual time, without drift", () => {
    const { board } = makeBoard();
    board.runCode(`
      var log = [];
      setInterval(function () { log.push("i" + Math.round(getTime() * 1000)); }, 300);
      setTimeout(function () { log.push("t" + Math.round(getTime() * 1000)); }, 450);
      setTimeout(function (a, b) { log.push(a + b); }, 900, "x", "y");
    `);
    board.advance(1000);
    expect(board.runCode("log.join(' ')").value).toBe("i300 t450 i600 i900 xy");
    // Virtual, not wall-clock: a day passes at once (in real time this would hit the test timeout).
    board.runCode(`clearInterval(); var late = 0; setTimeout(function () { late = getTime(); }, 86400000);`);
    board.advance(86_400_000);
    expect(board.runCode("late").value).toBe(86401);
  });

  it("clears, changes and reuses ids as Espruino does; unknown ids throw", () => {
    const { board } = makeBoard();
    expect(board.runCode("var a = setTimeout(function(){}, 10); var b = setInterval(function(){}, 10); [a, b].join()").value).toBe("1,2");
    board.runCode("clearTimeout(a); clearInterval(b);");
    // The table is empty again, so the next id is 1 again (jsvArrayAddToEnd).
    expect(board.runCode("setTimeout(function(){}, 10)").value).toBe(1);
    const r = board.runCode("try { clearTimeout(99); } catch (e) { e.message + ' ' + (e instanceof Error); }");
    expect(r.value).toBe("Unknown Timeout true");
    board.runCode(`var n = 0; var id = setInterval(function () { n++; }, 100);`);
    board.advance(350);
    board.runCode("changeInterval(id, 1000);");
    board.advance(999);
    expect(board.runCode("n").value).toBe(3);
    board.advance(1);
    expect(board.runCode("n").value).toBe(4);
    board.runCode("clearInterval();");
    board.advance(5000);
    expect(board.runCode("n").value).toBe(4);
  });

  it("reports a throwing callback like Espruino and keeps the interval running", () => {
    const { board, out } = makeBoard();
    board.runCode(`var k = 0; setInterval(function () { k++; if (k === 2) throw new Error("boom"); }, 100);`);
    board.advance(500);
    expect(board.runCode("k").value).toBe(5);
    expect(out()).toContain("Uncaught Error: boom\r\n");
  });

  it("measures the longest callback in wall-clock ms", () => {
    const { board } = makeBoard();
    board.runCode(`setTimeout(function () { var t = Date.now(); var x = 0; for (var i = 0; i < 3e6; i++) x += i; }, 50);`);
    // Which of two wall-clock durations is longer is up to the machine's load (a GC pause in
    // the upload outlasted the loop once): start the record after the upload, then only the timer runs.
    board.loop.stats.longestBlockMs = 0;
    board.advance(100);
    expect(board.longestBlock.what).toBe("timer 1");
    expect(board.longestBlock.at).toBe(50);
    expect(board.longestBlock.ms).toBeGreaterThan(1);
    expect(board.loop.stats.callbacks).toBeGreaterThanOrEqual(2);
  });

  it("gives Date and getTime the board's clock; setTime moves both", () => {
    const { board } = makeBoard();
    board.advance(2500);
    expect(board.runCode("getTime()").value).toBe(2.5);
    board.runCode("setTime(1700000000)");
    board.advance(1000);
    expect(board.runCode("Math.round(getTime())").value).toBe(1700000001);
    expect(board.runCode("Date.now()").value).toBe(1700000001000);
    expect(board.runCode("new Date().getTime()").value).toBe(1700000001000);
  });

  it("runs promise reactions right after the callback that queued them", () => {
    const { board } = makeBoard();
    board.runCode(`
      var log = [];
      setTimeout(function () { Promise.resolve(1).then(function () { log.push("then"); }); log.push("a"); }, 10);
      setTimeout(function () { log.push("b"); }, 10);
    `);
    board.advance(20);
    expect(board.runCode("log.join()").value).toBe("a,then,b");
  });

  it("stops a board whose callback never returns and has no watchdog (hung, as on hardware)", () => {
    const { board } = makeBoard({ callbackTimeoutMs: 50 });
    board.runCode(`var after = 0; setTimeout(function () { for (;;) {} }, 10); setInterval(function () { after++; }, 100);`);
    board.advance(1000);
    expect(board.hung).toBe(true);
    expect(board.hangs).toBe(1);
    expect(board.longestBlock.ms).toBeGreaterThanOrEqual(50);
    board.powerOff();
    board.powerOn();
    expect(board.hung).toBe(false);
  });
});
