/**
 * SHA-256 and SHA-512 from the board's own firmware (`require("crypto")`, Espruino's
 * libs/crypto over mbedTLS), standing in for shared/crypto/sha256.ts and sha512.ts.
 *
 * `solkit build` aliases those portable modules to this one for the hashes a board file lists
 * in `nativeHashes` (toolchain/firmware-profile.ts): the bundle then carries no portable
 * hashing code (about 7 KB), and every caller — HMAC, the reading chain, the signer — gets
 * the native function, which is also far faster. Espruino's board definitions say which
 * builds have which (boards/<BOARD>.py, 'libraries': 'CRYPTO', 'SHA256', 'SHA512').
 */
import { SolkitError } from "../../../shared/errors";

let crypto: EspruinoCrypto | undefined = undefined;

/** The crypto module, loaded once; a clear error when the firmware lacks it. */
function nativeCrypto(): EspruinoCrypto {
  if (crypto !== undefined) return crypto;
  try {
    crypto = require("crypto");
  } catch (e) {
    throw new SolkitError("E_UNSUPPORTED", "this build expects require(\"crypto\") in the board's firmware (board file nativeHashes); flash the board's stock Espruino build");
  }
  return crypto as EspruinoCrypto;
}

/**
 * SHA-256 of `data` (FIPS 180-4), natively.
 * @throws SolkitError E_UNSUPPORTED when the firmware has no crypto module
 */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(nativeCrypto().SHA256(data));
}

/**
 * SHA-512 of `data` (FIPS 180-4), natively.
 * @throws SolkitError E_UNSUPPORTED when the firmware has no crypto module or no SHA512 in it
 */
export function sha512(data: Uint8Array): Uint8Array {
  const f = nativeCrypto().SHA512;
  if (f === undefined) {
    throw new SolkitError("E_UNSUPPORTED", "this build expects require(\"crypto\").SHA512 (board file nativeHashes); this firmware lacks it");
  }
  return new Uint8Array(f(data));
}
