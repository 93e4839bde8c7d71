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

/** Each section of the table: its name (to run it alone), what it says while it runs, its rows. */
const SECTIONS: { name: string; doing: string; rows: () => Row[] | Promise<Row[]> }[] = [
  { name: "cli", doing: "cli start (wall time and peak memory beside bare node)", rows: cliRows },
  { name: "crypto", doing: "crypto", rows: cryptoRows },
  { name: "codec", doing: "codec", rows: codecRows },
  { name: "bundles", doing: "bundles (building shared/ for Espruino and Lua)", rows: bundleRows },
  { name: "gateway", doing: "gateway (pipeline through aedes on loopback)", rows: gatewayRows },
  { name: "teller", doing: "teller (a period billed for 10,000 devices; payments through the local ledger)", rows: tellerRows },
  { name: "firmware", doing: "firmware (profiles per board, signer cost, a day on the Espruino emulation)", rows: firmwareRows },
  { name: "node-target", doing: "node target (the Pi's bundle, signer and a simulated day)", rows: nodeTargetRows },
  { name: "nodemcu-target", doing: "nodemcu target (signing in lua5.3, the Lua heap, a simulated day)", rows: nodemcuTargetRows },
  { name: "sim", doing: "simulator (device-days per second for 1, 100 and 1000 boards)", rows: simRows },
  { name: "real-espruino", doing: "real Espruino (signing per board beside tweetnacl on the same interpreter)", rows: realEspruinoRows },
  { name: "flash", doing: "flash (solkit flash vs the espruino package at 115200 baud on a pty board)", rows: flashRows },
];

/** `npm run bench` runs every section; `npm run bench -- gateway sim` only those named. */
async function main(names: string[]): Promise<void> {
  const unknown = names.filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`bench: no section ${unknown.map((n) => `"${n}"`).join(", ")}; sections: ${SECTIONS.map((s) => s.name).join(" ")}\n`);
    process.exit(2);
  }
  const rows: Row[] = [];
  for (const section of SECTIONS) {
    if (names.length > 0 && !names.includes(section.name)) continue;
    process.stderr.write(`bench: ${section.doing}…\n`);
    rows.push(...(await section.rows()));
  }
  printTable(rows);
}

await main(process.argv.slice(2));
