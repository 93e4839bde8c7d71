/**
 * `npm run bench`: one table of everything measured, each figure beside a baseline measured
 * in the same run (read the ratio column; absolute numbers move with the machine's load).
 */
import { printTable, type Row } from "./harness";
import { cryptoRows } from "./crypto";
import { codecRows } from "./codec";
import { bundleRows } from "./bundles";
import { gatewayRows } from "./gateway";

async function main(): Promise<void> {
  const rows: Row[] = [];
  process.stderr.write("bench: crypto…\n");
  rows.push(...cryptoRows());
  process.stderr.write("bench: codec…\n");
  rows.push(...codecRows());
  process.stderr.write("bench: bundles (building shared/ for Espruino and Lua)…\n");
  rows.push(...(await bundleRows()));
  process.stderr.write("bench: gateway (pipeline through aedes on loopback)…\n");
  rows.push(...(await gatewayRows()));
  printTable(rows);
}

await main();
