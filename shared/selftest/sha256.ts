/** Golden-vector runner for shared/test/vectors/sha256.json (FIPS 180-4), portable. */
import { createSha256, sha256 } from "../crypto/sha256";
import type { CaseResult } from "./types";
import { runHashVectors } from "./hash-vectors";

/** Runs every case; never throws (an exception becomes a failed case with its message). */
export function runSha256Vectors(cases: any[]): CaseResult[] {
  return runHashVectors(cases, "sha256", sha256, createSha256);
}
