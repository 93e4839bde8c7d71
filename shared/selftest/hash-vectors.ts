/**
 * The runner both hash vector files share (sha256.json, sha512.json), portable
 * (docs/portability.md). Each case: { name, input: hex, digest: hex }. Besides the one-shot
 * function, every case is fed to the incremental hasher in two uneven pieces, to cover the
 * buffered path of `update`.
 */
import { fromHex, slice, toHex } from "../bytes";
import type { HashFn } from "../crypto/types";
import type { CaseResult } from "./types";
import { runEach } from "./run-each";

/** What an incremental hasher offers (createSha256, createSha512). */
export interface Hasher {
  update(this: void, data: Uint8Array): void;
  digest(this: void): Uint8Array;
}

/** Runs hash vectors against `oneShot` and `create`; `label` names them in failures. */
export function runHashVectors(cases: any[], label: string, oneShot: HashFn, create: () => Hasher): CaseResult[] {
  return runEach(cases, function (c: any): string {
    const input = fromHex(c.input);
    if (input === undefined) return "bad hex in 'input'";
    const whole = toHex(oneShot(input));
    if (whole !== c.digest) return `${label} gave ${whole}, want ${c.digest}`;
    const cut = Math.floor(input.length / 3);
    const h = create();
    h.update(slice(input, 0, cut));
    h.update(slice(input, cut, input.length));
    const pieces = toHex(h.digest());
    if (pieces !== c.digest) return `incremental ${label} (split at ${cut}) gave ${pieces}`;
    return "";
  });
}
