/**
 * The Node target (a Raspberry Pi, issue 14), per board: the bundle's bytes; one signature as
 * the Pi's program makes it (the portable incremental signer over node:crypto's SHA-512)
 * beside tweetnacl on the same runtime; and a simulated day of the very firmware.cjs on
 * simulator/node/node-board.ts — its longest callback (the event loop's longest block, on this
 * machine: a Pi 4 is several times slower, a Zero 2 W more so) and what it writes to the SD
 * card: bytes and fsyncs per day, each fsync at least one 4 KiB page programmed, the figure
 * that wears a card (write amplification against the reading bytes themselves).
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import nacl from "tweetnacl";
import { loadBoard } from "../boards/validate";
import { nodeBundle } from "../toolchain/node-target";
import { createSigner } from "../shared/crypto/ed25519";
import { NodeBoard } from "../simulator/node/node-board";
import { LightHost } from "../simulator/host/light-host";
import { DeviceRig } from "../simulator/scenario/rig";
import { opsPerSecond, type Row } from "./harness";

const DAY = 86_400_000;
const PAGE = 4096;
/** A reading's bytes on the wire (PROTOCOL.md): what the day's writes are compared with. */
const READING_BYTES = 123;

export async function nodeTargetRows(): Promise<Row[]> {
  const rows: Row[] = [];
  const seed = new Uint8Array(32).fill(7);
  const msg = new Uint8Array(138).fill(1);
  const kp = nacl.sign.keyPair.fromSeed(seed);
  const naclSign = opsPerSecond(() => nacl.sign.detached(msg, kp.secretKey));
  const pi = createSigner(seed, (d: Uint8Array) => new Uint8Array(createHash("sha512").update(d).digest()));
  const piSign = opsPerSecond(() => pi.sign(msg));
  const section = "node target";
  rows.push({ section, name: "sign in Node: tweetnacl (baseline)", value: 1000 / naclSign, unit: "ms/sig", ratio: 1 });
  rows.push({ section, name: "sign in Node: the Pi's signer (portable, node:crypto SHA-512)", value: 1000 / piSign, unit: "ms/sig", ratio: naclSign / piSign, note: "ratio: times tweetnacl's time" });
  for (const id of ["rpi4", "rpi-zero-2w"]) {
    const board = loadBoard(id);
    const { code } = await nodeBundle(board);
    rows.push({ section, name: `${id}: firmware.cjs`, value: Buffer.byteLength(code) / 1024, unit: "KiB", note: `gzip ${(gzipSync(code).length / 1024).toFixed(0)} KiB; mqtt included; no npm install on the Pi` });
    const host = new LightHost(1_780_000_000);
    const rig = new DeviceRig({
      board, firmware: code, seed: 3, callbackTimeoutMs: 0,
      world: { startUnixS: 1_780_000_000, latitude: 5, clouds: 0.2, panelWp: 300, loads: [], meter: "panel" },
    });
    rig.start(host);
    const card = (rig.board as NodeBoard).cardStats;
    const before = { ...card };
    const t0 = performance.now();
    const end = rig.now + DAY;
    for (let t = rig.now + 60_000; t <= end; t += 60_000) {
      rig.step(t, host);
      await host.settle(t);
    }
    const wall = performance.now() - t0;
    const readings = rig.tap.received.size;
    const bytes = card.bytes - before.bytes;
    const fsyncs = card.fsyncs - before.fsyncs;
    rows.push({ section, name: `${id}: a simulated day`, value: DAY / wall, unit: "× real time", note: `${readings} readings; longest callback ${rig.board.longestBlock.ms.toFixed(1)} ms (${rig.board.longestBlock.what}) on this machine` });
    rows.push({ section, name: `${id}: SD card written per day`, value: bytes / 1024, unit: "KiB", ratio: bytes / (readings * READING_BYTES), note: `ratio: bytes per reading byte; ${fsyncs} fsyncs (≥ ${((fsyncs * PAGE) / 1e6).toFixed(1)} MB of 4 KiB pages programmed)` });
    await host.close();
  }
  return rows;
}
