/** Golden-vector runner for shared/test/vectors/sha512.json (FIPS 180-4), portable. */
import { createSha512, sha512 } from "../crypto/sha512";
import type { CaseResult } from "./types";
import { runHashVectors } from "./hash-vectors";

/** Runs every case; never throws (an exception becomes a failed case with its message). */
export function runSha512Vectors(cases: any[]): CaseResult[] {
  return runHashVectors(cases, "sha512", sha512, createSha512);
}
