import { describe, expect, it } from "vitest";
import { assertEspruinoCompatible, checkEspruinoBundle } from "../../toolchain/espruino-check";
import { buildEspruinoBundle } from "../../toolchain/espruino";
import { SolkitError } from "../../shared/errors";

/** One fixture per forbidden feature: [feature name the checker must report, source]. */
const FIXTURES: [string, string][] = [
  ["async function", "async function f() { return 1; }"],
  ["await", "async function f(p) { return await p; }"],
  ["generator", "function* g() { }"],
  ["yield", "function* g() { yield 1; }"],
  ["destructuring", "var o = { a: 1 }; var { a } = o;"],
  ["destructuring", "function f([x, y]) { return x + y; }"],
  ["spread", "var a = [1, 2]; var b = [0, ...a];"],
  ["spread", "function f() {} f(...[1, 2]);"],
  ["rest element", "function f(a, ...rest) { return rest; }"],
  ["default parameter", "function f(a = 1) { return a; }"],
  ["optional chaining", "var o = {}; var x = o?.a;"],
  ["??", "var a; var x = a ?? 1;"],
  ["??", "var a; a ??= 1;"],
  ["for-of", "for (var x of [1, 2]) { print(x); }"],
  ["labeled continue", "outer: for (var i = 0; i < 2; i++) { for (var j = 0; j < 2; j++) { continue outer; } }"],
  ["Map", "var m = new Map();"],
  ["Set", "var s = new Set();"],
  ["WeakMap", "var w = new WeakMap();"],
  ["Symbol", "var it = Symbol.iterator;"],
  ["BigInt", "var b = BigInt(1);"],
  ["BigInt", "var b = 1n;"],
  ["Proxy", "var p = new Proxy({}, {});"],
  ["Reflect", "var k = Reflect.ownKeys({});"],
  ["Math.imul", "var x = Math.imul(3, 4);"],
  ["Number.isInteger", "var x = Number.isInteger(3);"],
  ["Array.from", "var x = Array.from([1]);"],
  ["Object.freeze", "var x = Object.freeze({});"],
  ["prototype borrowing", "function f() { return Array.prototype.slice.call(arguments); }"],
  ["prototype borrowing", "var s = Object.prototype.toString.apply([]);"],
  ["RegExp lookbehind", "var r = /(?<=a)b/;"],
  ["RegExp named group", "var r = /(?<year>\\d+)/;"],
  ["RegExp sticky flag", "var r = /a/y;"],
  ["RegExp unicode flag", "var r = /a/u;"],
  // Measured on the real 2v29 interpreter: constructing any of these throws "Calling 'super' outside of class".
  ["extends Error", "class E1 extends Error { constructor(m) { super(m); } }"],
  ["extends Uint8Array", "var C = class extends Uint8Array {};"],
  ["call before declaration", "var x = later(); function later() { return 1; }"],
  ["call before declaration", "(function () { var c = new Later(); function Later() {} })();"],
  // What terser's deeper inlining wrote (issue 9): the `t = n` reached the outer function t.
  ["use before var", "var f = function (r) { function t() {} function q(r, n) { return (t = n) < 3 ? 1 : 2; var t } return q; }({});"],
  ["use before var", "function g() { x++; var x = 1; return x; }"],
];

describe("checkEspruinoBundle", () => {
  for (const [feature, code] of FIXTURES) {
    it(`reports ${feature}: ${code}`, () => {
      const findings = checkEspruinoBundle(code, "fixture.js");
      expect(findings.map((f) => f.feature)).toContain(feature);
      const f = findings.find((x) => x.feature === feature)!;
      expect(f.message).toMatch(/^fixture\.js:\d+:\d+ /);
      // The message names the feature (the hoisting one says it in words).
      const says: { [f: string]: string } = { "call before declaration": "before its declaration", "use before var": "before its var" };
      expect(f.message).toContain(says[feature] ?? feature);
      expect(f.message).toMatch(/\(.+\)$/); // the fix, in parentheses
    });
  }

  it("gives line and 1-based column", () => {
    const [f] = checkEspruinoBundle("var a = 1;\nvar x = Array.from(a);", "bundle.js");
    expect(f.message).toBe("bundle.js:2:9 uses Array.from, which Espruino lacks (use a loop)");
  });

  it("takes a var used after it, a parameter, a second var of a name, and a closure over a later var", () => {
    const ok = "function g(a) { var b = a; for (var i = 0; i < 2; i++) b += i; for (var i = 0; i < 2; i++) b++; a = 2; var a; return b; }" +
      "function h() { function k() { return later; } var later = 1; return k(); }";
    expect(checkEspruinoBundle(ok)).toEqual([]);
  });

  it("passes a clean file that uses what Espruino has", () => {
    const clean = [
      "function first() { return second(); }", // a call inside a body runs later: fine
      "function second() { return 2; }",
      "var x = first();",
      "class A { constructor(v) { this.v = v; } get w() { return this.v; } }",
      "class B extends A { constructor() { super(1); } }",
      "var f = (a, b) => `${a}${b}`;",
      "var o = Object.assign({}, { a: 1 }); var arr = [1, 2].map(function (v) { return v * 2; });",
      "var u = new Uint8Array(4); var d = new DataView(u.buffer); var p = Promise.resolve(1);",
      "var r = /a(b)c/gi; for (var i = 0; i < 3; i++) { if (i) continue; }",
    ].join("\n");
    const findings = checkEspruinoBundle(clean, "clean.js");
    expect(findings).toEqual([]);
  });

  it("is not fooled by names of Object.prototype members", () => {
    expect(checkEspruinoBundle("var o = {}; o.toString(); toString(); var constructor = 1; hasOwnProperty('a');")).toEqual([]);
  });

  it("does not take a local binding for the forbidden global", () => {
    expect(checkEspruinoBundle("function f(Set) { return new Set(); }")).toEqual([]);
  });

  it("assertEspruinoCompatible throws E_ESPRUINO_FEATURE listing every finding", () => {
    let err: unknown;
    try {
      assertEspruinoCompatible("var a = Array.from([]); var b = new Map();", "b.js");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SolkitError);
    expect((err as SolkitError).code).toBe("E_ESPRUINO_FEATURE");
    expect((err as SolkitError).message).toContain("b.js:1:9 uses Array.from");
    expect((err as SolkitError).message).toContain("b.js:1:37 uses Map");
  });

  it("throws E_PARSE on invalid JavaScript", () => {
    expect(() => checkEspruinoBundle("var = ;")).toThrow(expect.objectContaining({ code: "E_PARSE" }));
  });
});

describe("the real bundle of shared/", () => {
  it("passes the checker, minified and not", async () => {
    for (const minify of [true, false]) {
      const { code } = await buildEspruinoBundle({ entry: "shared/index.ts", minify });
      expect(checkEspruinoBundle(code)).toEqual([]);
    }
  });

  it("a build whose source uses a forbidden feature fails naming it", async () => {
    // for-of is not lowered (it needs Symbol.iterator helpers), so it reaches the checker.
    await expect(
      buildEspruinoBundle({ entry: "test/toolchain/fixtures/uses-for-of.ts", minify: false }),
    ).rejects.toThrow(/uses for-of, which Espruino lacks \(use an index loop\)/);
  });

  it("a module that calls a function above its declaration fails the build", async () => {
    await expect(
      buildEspruinoBundle({ entry: "test/toolchain/fixtures/calls-before-declaration.ts", minify: false }),
    ).rejects.toThrow(/calls make before its declaration, and Espruino does not hoist functions/);
  });
});
