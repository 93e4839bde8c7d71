/**
 * `npm run bench`: one table of everything measured, each figure beside a baseline measured
 * in the same run (read the ratio column; absolute numbers move with the machine's load).
 */
import { printTable, type Row } from "./harness";
import { cryptoRows } from "./crypto";
import { codecRows } from "./codec";
import { bundleRows } from "./bundles";
import { gatewayRows } from "./gateway";
import { flashRows } from "./flash";
import { firmwareRows } from "./firmware";
import { simRows } from "./sim";
import { realEspruinoRows } from "./real-espruino";
import { cliRows } from "./cli";
import { tellerRows } from "./teller";
import { nodeTargetRows } from "./node-target";
import { nodemcuTargetRows } from "./nodemcu-target";

async function main(): Promise<void> {
  const rows: Row[] = [];
  process.stderr.write("bench: cli start (wall time and peak memory beside bare node)…\n");
  rows.push(...cliRows());
  process.stderr.write("bench: crypto…\n");
  rows.push(...cryptoRows());
  process.stderr.write("bench: codec…\n");
  rows.push(...codecRows());
  process.stderr.write("bench: bundles (building shared/ for Espruino and Lua)…\n");
  rows.push(...(await bundleRows()));
  process.stderr.write("bench: gateway (pipeline through aedes on loopback)…\n");
  rows.push(...(await gatewayRows()));
  process.stderr.write("bench: teller (a period billed for 10,000 devices; payments through the local ledger)…\n");
  rows.push(...(await tellerRows()));
  process.stderr.write("bench: firmware (profiles per board, signer cost, a day on the Espruino emulation)…\n");
  rows.push(...(await firmwareRows()));
  process.stderr.write("bench: node target (the Pi's bundle, signer and a simulated day)…\n");
  rows.push(...(await nodeTargetRows()));
  process.stderr.write("bench: nodemcu target (signing in lua5.3, the Lua heap, a simulated day)…\n");
  rows.push(...(await nodemcuTargetRows()));
  process.stderr.write("bench: simulator (device-days per second for 1, 100 and 1000 boards)…\n");
  rows.push(...(await simRows()));
  process.stderr.write("bench: real Espruino (signing per board beside tweetnacl on the same interpreter)…\n");
  rows.push(...(await realEspruinoRows()));
  process.stderr.write("bench: flash (solkit flash vs the espruino package at 115200 baud on a pty board)…\n");
  rows.push(...(await flashRows()));
  printTable(rows);
}

await main();
