/**
 * Build profiles: one portable code base, three trade-offs between bundle bytes and signing
 * speed, chosen per board. A profile swaps whole modules at bundling time (a rollup resolveId
 * alias), so shared/ keeps one implementation per module and no build flags inside the code:
 *
 * | profile | base multiplication r·B | field multiplication (portable / on Espruino) | esp32 bundle | per signature |
 * |---|---|---|---|---|
 * | full  | base-mul.ts: radix-16 over a 24 KiB precomputed table (34 KB of base64 text) | field-mul.ts unrolled / native-field-mul.ts | 81.7 KB | 747 multiplications, 26 steps |
 * | small | base-mul-small.ts: radix-16 Horner over 8 points (1 KB of text) | field-mul-small.ts loops / native-field-mul.ts | 49.9 KB | 2763 multiplications, 91 steps |
 * | tiny  | as small | as small / native-field-mul-small.ts | 36.5 KB (wifi) | as small |
 *
 * (bytes with native SHA-2, steps at the default budget of 32.) On the espruino target the
 * table decode, the table lookup and the field multiplication are the interpreter's own
 * (atob, E.convolve: TARGET_SWAPS below); on the real interpreter a signature then takes
 * 0.07–0.11× tweetnacl's time with the full profile and about 0.3× with small/tiny
 * (`npm run bench`, section "real Espruino").
 * All give byte-identical signatures (test/shared/crypto/ed25519/small-profile.test.ts).
 * Independently, the hashes a board's firmware has natively (board file `nativeHashes`)
 * replace the portable SHA-256/SHA-512 with firmware/targets/espruino/native-hash.ts.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "rollup";
import type { Board, NativeHash } from "../boards/board-type";
import { SolkitError } from "../shared/errors";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * A build profile: "full" (fast signing, big bundle), "small" (compact, slower signing) or
 * "tiny" (small's signer, plus the size options below, for boards like the Espruino Pico).
 */
export type BuildProfile = "full" | "small" | "tiny";

/** Every profile, in the order `solkit build` tries them: the fastest that fits wins. */
export const PROFILES: BuildProfile[] = ["full", "small", "tiny"];

/** Bytes of RAM the profile's signer holds once booted: the decoded base table for "full". */
export const PROFILE_RAM_BYTES: Record<BuildProfile, number> = { full: 24576, small: 0, tiny: 0 };

/**
 * What "tiny" does beyond small's swaps, none of it touching the protocol, the checks or the
 * boot order: the short console (firmware/console-tiny.ts: status only, shorter lines); error
 * messages dropped (the E_ codes stay, espruino.ts stripErrorMessages); every property name
 * the bundle does not share with the interpreter or the REPL mangled (mangle-reserved.ts).
 */
export interface ProfileOutput {
  stripErrorMessages: boolean;
  mangleProperties: boolean;
}

export const PROFILE_OUTPUT: Record<BuildProfile, ProfileOutput> = {
  full: { stripErrorMessages: false, mangleProperties: false },
  small: { stripErrorMessages: false, mangleProperties: false },
  tiny: { stripErrorMessages: true, mangleProperties: true },
};

/** Module swaps of each profile: portable module → replacement (repo-relative, no extension). */
const PROFILE_SWAPS: Record<BuildProfile, [string, string][]> = {
  full: [],
  small: [
    ["shared/crypto/ed25519/base-mul", "shared/crypto/ed25519/base-mul-small"],
    ["shared/crypto/ed25519/field-mul", "shared/crypto/ed25519/field-mul-small"],
  ],
  tiny: [
    ["shared/crypto/ed25519/base-mul", "shared/crypto/ed25519/base-mul-small"],
    ["shared/crypto/ed25519/field-mul", "shared/crypto/ed25519/field-mul-small"],
    ["firmware/console", "firmware/console-tiny"],
  ],
};

/** The portable module each native hash replaces. */
const NATIVE_SWAPS: Record<NativeHash, [string, string]> = {
  sha256: ["shared/crypto/sha256", "firmware/targets/espruino/native-hash"],
  sha512: ["shared/crypto/sha512", "firmware/targets/espruino/native-hash"],
};

/**
 * Swaps every espruino build makes, whatever the profile: what the interpreter does natively
 * and fast, where the portable loop would block its event loop for seconds (issue 9).
 */
const TARGET_SWAPS: [string, string][] = [
  ["shared/crypto/ed25519/base-table-load", "firmware/targets/espruino/storage-base-table"],
  ["shared/crypto/ed25519/table-decode", "firmware/targets/espruino/native-table-decode"],
  ["shared/crypto/ed25519/base-lookup", "firmware/targets/espruino/native-base-lookup"],
  ["shared/encoding/base64", "firmware/targets/espruino/native-base64"],
];

/**
 * The native field multiplication per profile, after the profile's own swaps (a later pair
 * wins in swapPlugin): faster than the portable unrolled product, so it replaces it and the
 * small profile's looped one alike; "tiny" takes the looped native one, 1 KB smaller.
 */
const NATIVE_FIELD_MUL: Record<BuildProfile, [string, string]> = {
  full: ["shared/crypto/ed25519/field-mul", "firmware/targets/espruino/native-field-mul"],
  small: ["shared/crypto/ed25519/field-mul", "firmware/targets/espruino/native-field-mul"],
  tiny: ["shared/crypto/ed25519/field-mul", "firmware/targets/espruino/native-field-mul-small"],
};

/**
 * Checks a `--profile` value.
 * @throws SolkitError E_USAGE when it is not a profile
 */
export function parseProfile(value: string): BuildProfile {
  for (let i = 0; i < PROFILES.length; i++) if (PROFILES[i] === value) return PROFILES[i];
  throw new SolkitError("E_USAGE", `--profile: expected one of ${PROFILES.join(", ")}, got "${value}"`);
}

/** The swaps a build makes for `profile` on `board`, as repo-relative pairs. */
export function moduleSwaps(profile: BuildProfile, board: Pick<Board, "nativeHashes">): [string, string][] {
  const swaps = PROFILE_SWAPS[profile].concat(TARGET_SWAPS, [NATIVE_FIELD_MUL[profile]]);
  const native = board.nativeHashes ?? [];
  for (let i = 0; i < native.length; i++) swaps.push(NATIVE_SWAPS[native[i]]);
  return swaps;
}

/**
 * A rollup plugin that resolves imports of each swapped module to its replacement. Only
 * relative imports are looked at (shared/ and firmware/ import each other that way). A
 * replacement's import of the very module it replaces resolves to that module, so it can
 * fall back to the portable code (native-base64.ts does, for the error path).
 */
export function swapPlugin(swaps: [string, string][]): Plugin {
  const map: Record<string, string> = {};
  for (let i = 0; i < swaps.length; i++) map[join(REPO, swaps[i][0])] = join(REPO, `${swaps[i][1]}.ts`);
  return {
    name: "solkit-profile",
    resolveId(source: string, importer: string | undefined) {
      if (importer === undefined || !source.startsWith(".")) return null;
      const abs = resolve(dirname(importer), source).replace(/\.(ts|js)$/, "");
      if (map[abs] === undefined || map[abs] === importer) return null;
      return map[abs];
    },
  };
}
