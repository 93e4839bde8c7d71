import { readFileSync } from "node:fs";
import fc from "fast-check";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { toHex } from "../../../../shared/bytes";
import {
  BASE_MUL_UNITS,
  baseMulStart,
  baseMulUnit,
  baseMulUnitCost,
  baseMulResult,
  baseTable,
  scalarMulBase,
} from "../../../../shared/crypto/ed25519/base-mul";
import { fieldMulCount, resetFieldMulCount } from "../../../../shared/crypto/ed25519/field";
import {
  pointAdd,
  pointBase,
  pointDouble,
  pointIdentity,
  pointPack,
  scalarMulLadder,
} from "../../../../shared/crypto/ed25519/point";
import { clampScalar } from "../../../../shared/crypto/ed25519/scalar";
import { buildBaseTable, buildSmallTable, renderBaseTable, renderSmallTable } from "../../../../scripts/gen-ed25519-table";

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const bytes = (v: bigint): Uint8Array => {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return b;
};

describe("points and the fixed-base multiplication", () => {
  it("the table file is what the generator writes, and decodes to the same bytes", () => {
    const built = buildBaseTable();
    expect(built.length).toBe(24576);
    const file = readFileSync(new URL("../../../../shared/crypto/ed25519/base-table.ts", import.meta.url), "utf8");
    expect(file).toBe(renderBaseTable(built));
    expect(toHex(baseTable())).toBe(toHex(built));
    const small = readFileSync(new URL("../../../../shared/crypto/ed25519/base-table-small.ts", import.meta.url), "utf8");
    expect(small).toBe(renderSmallTable(buildSmallTable()));
    expect(toHex(buildSmallTable())).toBe(toHex(built.slice(0, 768)));
  });

  it("doubling equals adding a point to itself; the identity is neutral", () => {
    const a = pointBase();
    const b = pointBase();
    pointDouble(a);
    pointAdd(b, pointBase());
    expect(toHex(pointPack(a))).toBe(toHex(pointPack(b)));
    const c = pointBase();
    pointAdd(c, pointIdentity());
    expect(toHex(pointPack(c))).toBe(toHex(pointPack(pointBase())));
    expect(toHex(pointPack(pointIdentity()))).toBe("01" + "00".repeat(31));
  });

  it("s·B by the table equals the ladder and tweetnacl's public key, for clamped and reduced scalars", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const a = clampScalar(nacl.hash(seed));
        const viaTable = toHex(scalarMulBase(a));
        return viaTable === toHex(nacl.sign.keyPair.fromSeed(seed).publicKey) && viaTable === toHex(pointPack(scalarMulLadder(a, pointBase())));
      }),
      { numRuns: 20 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: L - 1n }), (r) => {
        const s = bytes(r);
        return toHex(scalarMulBase(s)) === toHex(pointPack(scalarMulLadder(s, pointBase())));
      }),
      { numRuns: 20 },
    );
  });

  it("handles the scalars whose digits hit the table's edges (0, 1, 8, -8, L-1, 2^255-1)", () => {
    for (const v of [0n, 1n, 8n, 9n, 0x88n, L - 1n, 2n ** 254n, 2n ** 255n - 1n, (2n ** 255n - 1n) / 17n * 8n]) {
      const s = bytes(v);
      expect(toHex(scalarMulBase(s)), `s = ${v}`).toBe(toHex(pointPack(scalarMulLadder(s, pointBase()))));
    }
  });

  it("costs 747 field multiplications, unit by unit as declared, against 4876 for the ladder", () => {
    const s = bytes(123456789123456789n);
    const job = baseMulStart(s);
    resetFieldMulCount();
    for (let u = 0; u < BASE_MUL_UNITS; u++) {
      const before = fieldMulCount();
      const done = baseMulUnit(job);
      expect(fieldMulCount() - before, `unit ${u}`).toBe(baseMulUnitCost(u));
      expect(done).toBe(u === BASE_MUL_UNITS - 1);
    }
    expect(fieldMulCount()).toBe(747);
    expect(toHex(baseMulResult(job))).toBe(toHex(scalarMulBase(s)));
    resetFieldMulCount();
    pointPack(scalarMulLadder(s, pointBase()));
    expect(fieldMulCount()).toBe(4608 + 1 + 267);
  });
});
