/**
 * Helpers the protocol vector runners share (portable, docs/portability.md): hex in, the
 * code of an expected error, field-by-field comparison, and exception capture.
 */
import { fromHex, toHex } from "../bytes";
import { SolkitError } from "../errors";
export { runEach } from "./run-each";

/** Bytes of a vector hex string. @throws SolkitError E_VECTOR on bad hex */
export function hexIn(s: string, what: string): Uint8Array {
  const b = fromHex(s);
  if (b === undefined) throw new SolkitError("E_VECTOR", `vector field '${what}' is not hex`);
  return b;
}

/** "" when `fn` throws a SolkitError with `code`; else what happened instead. */
export function expectThrow(fn: () => void, code: string): string {
  try {
    fn();
  } catch (e: any) {
    const got = e && e.code;
    if (got === code) return "";
    return `threw ${got} (${e && e.message}), want ${code}`;
  }
  return `did not throw, want ${code}`;
}

/**
 * "" when every key in `numKeys` (numbers) and `hexKeys` (byte arrays vs hex strings) of
 * `got` equals `want`; else the first difference.
 */
export function compareFields(got: any, want: any, numKeys: string[], hexKeys: string[]): string {
  for (let i = 0; i < numKeys.length; i++) {
    const k = numKeys[i];
    if (got[k] !== want[k]) return `field ${k}: got ${got[k]}, want ${want[k]}`;
  }
  for (let i = 0; i < hexKeys.length; i++) {
    const k = hexKeys[i];
    const h = toHex(got[k]);
    if (h !== want[k]) return `field ${k}: got ${h}, want ${want[k]}`;
  }
  return "";
}

