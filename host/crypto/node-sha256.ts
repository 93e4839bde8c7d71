/** SHA-256 through node:crypto (OpenSSL): the portable shared/ one is several times slower, and hosts have OpenSSL. */
import { createHash } from "node:crypto";

export const nodeSha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash("sha256").update(data).digest());
