/**
 * The Storage files an Espruino bundle needs beside `.bootcde`, read off the bundle itself:
 * a bundle that names the base-point table's file (the full profile reads its table from
 * Storage, firmware/targets/espruino/storage-base-table.ts) needs that file. Every installer
 * asks here — `solkit flash`, the emulated and pseudo-terminal boards, the real-interpreter
 * tier — so a bundle and what it reads can never be installed apart.
 */
import { loadBaseTable } from "../shared/crypto/ed25519/base-table-load";
import { BASE_TABLE_FILE } from "../shared/crypto/ed25519/base-table-file";

export interface CompanionFile {
  /** Storage file name. */
  name: string;
  data: Uint8Array;
}

let table: Uint8Array | undefined = undefined;

/** The table's bytes (base-table.ts decoded by the portable loader, once). */
export function baseTableBytes(): Uint8Array {
  if (table === undefined) table = loadBaseTable();
  return table;
}

/** The files `code` (a bundle, one character per byte) reads from Storage and nobody else writes. */
export function companionFiles(code: string): CompanionFile[] {
  return code.includes(JSON.stringify(BASE_TABLE_FILE)) || code.includes(`'${BASE_TABLE_FILE}'`) ? [{ name: BASE_TABLE_FILE, data: baseTableBytes() }] : [];
}

/** Their bytes in all. */
export function companionBytes(code: string): number {
  return companionFiles(code).reduce((n, f) => n + f.data.length, 0);
}

/**
 * JavaScript that writes `code`'s companions into Storage on an Espruino REPL or interpreter
 * (atob of base64 text): for runs that load a bundle as a script rather than flash it.
 */
export function companionInstallScript(code: string): string {
  return companionFiles(code).map((f) => `require("Storage").write(${JSON.stringify(f.name)},atob("${Buffer.from(f.data).toString("base64")}"));\n`).join("");
}
