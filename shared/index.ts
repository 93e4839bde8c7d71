/**
 * The public API of shared/: what `npm run build:shared` bundles for Espruino
 * (dist/shared/shared.espruino.js, global `solkitShared`) and for Lua (dist/shared/shared.lua,
 * which returns this module's exports). Add a module's exports here when it is public.
 */
export * from "./bytes";
export * from "./errors";
export * from "./crypto/types";
export * from "./crypto/sha256";
export * from "./crypto/sha512";
export * from "./crypto/hmac";
export * from "./crypto/crc16";
export * from "./crypto/strkey";
export * from "./encoding/base32";
export * from "./encoding/base64";
export * from "./protocol/common";
export * from "./protocol/reading";
export * from "./protocol/ack";
export * from "./protocol/token";
export * from "./protocol/frame";
export * from "./protocol/chain";
export * from "./protocol/topics";
export * from "./protocol/payload";
export * from "./crypto/ed25519/index";
