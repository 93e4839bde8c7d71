/**
 * Provisioning data: the device's Ed25519 seed (and its public key, computed once when the
 * seed is made so that boot never runs a base multiplication), the per-device HMAC key for
 * acks and tokens, and the site name. It lives in the Store, not in the bundle, so one
 * bundle per board serves every device (issue 3, item 2). Saved as a journal record
 * (persist.ts), so a cut while provisioning leaves the previous identity or none.
 *
 * Portable code: see docs/portability.md.
 */
import { SolkitError } from "../shared/errors";
import type { Store } from "./hal";
import { Journal } from "./persist";

/** What the technician sets over USB. Empty byte arrays mean "not set". */
export interface Identity {
  seed: Uint8Array;
  publicKey: Uint8Array;
  hmacKey: Uint8Array;
  site: string;
}

const IDENTITY_LENGTH = 32 + 32 + 32 + 3 + 64;
/** Longest site name (PROTOCOL.md 6.1). */
export const MAX_SITE = 64;

/** An identity with nothing set. */
export function emptyIdentity(): Identity {
  return { seed: new Uint8Array(0), publicKey: new Uint8Array(0), hmacKey: new Uint8Array(0), site: "" };
}

function isSiteChar(c: number): boolean {
  // A-Z a-z 0-9 - _ . (PROTOCOL.md 6.1: never / + # or NUL in a topic level)
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95 || c === 46;
}

/**
 * Throws unless `site` is 1..64 characters of A–Z a–z 0–9 - _ . (PROTOCOL.md 6.1).
 * @throws SolkitError E_FIELD
 */
export function checkSite(site: string): void {
  if (typeof site !== "string" || site.length < 1 || site.length > MAX_SITE) {
    throw new SolkitError("E_FIELD", `site: expected 1..${MAX_SITE} characters`);
  }
  for (let i = 0; i < site.length; i++) {
    if (!isSiteChar(site.charCodeAt(i))) {
      throw new SolkitError("E_FIELD", `site: character ${i + 1} is not one of A-Z a-z 0-9 - _ .`);
    }
  }
}

function put(b: Uint8Array, at: number, src: Uint8Array): void {
  for (let i = 0; i < src.length; i++) b[at + i] = src[i];
}

function take(b: Uint8Array, at: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = b[at + i];
  return out;
}

function encodeIdentity(id: Identity): Uint8Array {
  const b = new Uint8Array(IDENTITY_LENGTH);
  b[96] = id.seed.length === 32 ? 1 : 0;
  b[97] = id.hmacKey.length === 32 ? 1 : 0;
  b[98] = id.site.length;
  if (b[96] === 1) {
    put(b, 0, id.seed);
    put(b, 32, id.publicKey);
  }
  if (b[97] === 1) put(b, 64, id.hmacKey);
  for (let i = 0; i < id.site.length; i++) b[99 + i] = id.site.charCodeAt(i) & 0x7f;
  return b;
}

function decodeIdentity(b: Uint8Array): Identity {
  let site = "";
  const n = b[98] > MAX_SITE ? 0 : b[98];
  for (let i = 0; i < n; i++) site += String.fromCharCode(b[99 + i]);
  return {
    seed: b[96] === 1 ? take(b, 0, 32) : new Uint8Array(0),
    publicKey: b[96] === 1 ? take(b, 32, 32) : new Uint8Array(0),
    hmacKey: b[97] === 1 ? take(b, 64, 32) : new Uint8Array(0),
    site: site,
  };
}

/** The identity journal: files `sk.id0`, `sk.id1`, two records each (it changes rarely). */
export class IdentityStore {
  private readonly journal: Journal;

  constructor(store: Store) {
    this.journal = new Journal(store, "sk.id", IDENTITY_LENGTH, 2);
  }

  /** The saved identity, or an empty one. */
  load(): Identity {
    const b = this.journal.load();
    return b === undefined ? emptyIdentity() : decodeIdentity(b);
  }

  /** Saves `id`; false when the store cannot take it. */
  save(id: Identity): boolean {
    return this.journal.save(encodeIdentity(id));
  }
}
