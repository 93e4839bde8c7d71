import { describe, expect, it } from "vitest";
import { makeBoard } from "./helpers";

describe("USB console with Espruino's REPL behaviour", () => {
  it("shows the prompt after boot, echoes a line and prints its result as =value", () => {
    const { board, out, clear } = makeBoard();
    expect(out()).toBe("\r>");
    clear();
    board.consoleInput("1+2\r");
    expect(out()).toBe("1+2\r\n=3\r\n\r>");
    clear();
    board.consoleInput('"a" + "b"\r\n');
    expect(out()).toBe('"a" + "b"\r\n="ab"\r\n\r>');
    clear();
    board.consoleInput("var x;\n");
    expect(out()).toBe("var x;\r\n=undefined\r\n\r>");
  });

  it("formats values the way Espruino's REPL does", () => {
    const { board, out, clear } = makeBoard();
    const cases: [string, string][] = [
      ["123", "=123"],
      ["undefined", "=undefined"],
      ["({a: 1, 'b-c': [1, 'x'], d: {}})", '={ a: 1, "b-c": [ 1, "x" ], d: {  } }'],
      ["new Uint8Array([1, 2])", "=new Uint8Array([1, 2])"],
      ["[]", "=[  ]"],
      ["true", "=true"],
    ];
    for (const [line, shown] of cases) {
      clear();
      board.consoleInput(line + "\r");
      expect(out()).toBe(`${line}\r\n${shown}\r\n\r>`);
    }
  });

  it("runs a \\x10 line without echo and without printing its result", () => {
    const { board, out, clear } = makeBoard();
    clear();
    board.consoleInput("\x10print('frame'); 42\n");
    expect(out()).toBe("frame\r\n\r>");
    clear();
    board.consoleInput("\x10var quiet = 5;\n");
    expect(out()).toBe("\r>");
    expect(board.runCode("quiet").value).toBe(5);
  });

  it("prints errors as Uncaught … and keeps going", () => {
    const { board, out, clear } = makeBoard();
    clear();
    board.consoleInput("throw new Error('bad')\r");
    expect(out()).toBe("throw new Error('bad')\r\nUncaught Error: bad\r\n\r>");
    clear();
    board.consoleInput("\x10nosuch()\r");
    expect(out()).toBe('Uncaught ReferenceError: "nosuch" is not defined\r\n\r>');
    clear();
    board.consoleInput("1+\r");
    board.consoleInput("1\r");
    expect(out()).toBe("1+\r\n:1\r\n=2\r\n\r>");
  });

  it("accumulates a multi-line statement until it is complete", () => {
    const { board, out, clear } = makeBoard();
    clear();
    board.consoleInput("function f() {\r  return 7;\r}\r");
    expect(out()).toBe("function f() {\r\n:  return 7;\r\n:}\r\n=undefined\r\n\r>");
    expect(board.runCode("f()").value).toBe(7);
  });

  it("removes and restores the prompt around output from callbacks", () => {
    const { board, out, clear } = makeBoard();
    board.runCode("setTimeout(function () { print('tick'); }, 100);");
    clear();
    board.advance(200);
    expect(out()).toBe("\x08tick\r\n\r>");
  });

  it("drops output and input while the cable is out", () => {
    const { board, out, clear } = makeBoard();
    board.runCode("var c = 0; setInterval(function () { c++; print('c', c); }, 100);");
    clear();
    board.consoleConnected(false);
    board.advance(300);
    board.consoleInput("c = 100\r");
    expect(out()).toBe("");
    expect(board.runCode("c").value).toBe(3);
    board.consoleConnected(true);
    board.advance(100);
    expect(out()).toBe("\x08c 4\r\n\r>");
  });
});
