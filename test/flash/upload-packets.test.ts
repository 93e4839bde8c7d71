/**
 * Espruino's binary file packets: the plan covers the file exactly, each compressed packet
 * decompresses on its own to its piece (heatshrink from the espruino package, the board's
 * own decoder), packets fit the 13-bit length and the board's 5 s packet timeout at slow
 * baud rates; and the emulated console takes them as the interpreter does (ACK/NAK, a packet
 * cut short is NAKed after 5 s and the REPL works again, a locked console never hears them).
 */
import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { heatshrinkCompress, heatshrinkDecompress } from "../../toolchain/heatshrink";
import { fileSendPacket, hasPackets, maxPacketBytes, MAX_PACKET_BYTES, packet, planDataPackets, PT_DATA } from "../../flash/upload-packets";
import { makeBoard } from "../simulator/espruino/helpers";

const bundle = readFileSync(join(__dirname, "..", "..", "firmware", "app.ts"));

describe("packet plan", () => {
  it("covers the file in order; each compressed packet decompresses alone to its piece", () => {
    const data = Buffer.concat([bundle, bundle, randomBytes(20_000)]); // text that shrinks, bytes that do not
    for (const max of [512, 2400, MAX_PACKET_BYTES]) {
      const plan = planDataPackets(data, max, true);
      let at = 0;
      for (const p of plan) {
        expect(p.offset).toBe(at);
        expect(p.payload.length).toBeLessThanOrEqual(max);
        expect(Buffer.from(heatshrinkDecompress(p.payload)).equals(data.subarray(at, at + p.bytes))).toBe(true);
        at += p.bytes;
      }
      expect(at).toBe(data.length);
    }
    const plain = planDataPackets(data, 1000, false);
    expect(plain.every((p) => p.payload.length === p.bytes && p.bytes <= 1000)).toBe(true);
    expect(Buffer.concat(plain.map((p) => p.payload)).equals(data)).toBe(true);
  });

  it("sizes packets by the 13-bit length, the board's 5 s timeout at the baud rate, and its free RAM", () => {
    expect(maxPacketBytes(115_200, 15_000)).toBe(MAX_PACKET_BYTES);
    expect(maxPacketBytes(9_600, 15_000)).toBe(2_400); // 2.5 s of a 9600-baud wire
    expect(maxPacketBytes(115_200, 1_000)).toBe(3_000); // a quarter of 1,000 free blocks of 12 bytes
    expect(() => packet(PT_DATA, new Uint8Array(MAX_PACKET_BYTES + 1))).toThrow(/at most/);
  });

  it("knows which interpreters have packets (2v25 and later)", () => {
    expect(["2v25", "2v29.277", "3v00"].map(hasPackets)).toEqual([true, true, true]);
    expect(["2v24.100", "2v19", "1v99", "?"].map(hasPackets)).toEqual([false, false, false, false]);
  });

  it("compresses with the board's parameters (what Espruino's own heatshrink produces)", () => {
    // heatshrink_config.h of Espruino: window 8, lookahead 4 — "aaaa…" of 1,000 bytes packs to a handful.
    const packed = heatshrinkCompress(Buffer.alloc(1000, 0x61));
    expect(packed.length).toBeLessThan(40);
    expect(Buffer.from(heatshrinkDecompress(packed)).equals(Buffer.alloc(1000, 0x61))).toBe(true);
  });
});

describe("packets on the emulated console", () => {
  const ACK = "\x06";
  const NAK = "\x15";

  it("writes a compressed file into Storage, each packet ACKed", () => {
    const { board, out, clear } = makeBoard();
    clear();
    const data = Buffer.concat([bundle, bundle]);
    board.consoleInput(fileSendPacket("f.js", data.length, true).toString("latin1"));
    const plan = planDataPackets(data, 4000, true);
    // Each header on its own, then its data, as the flasher sends them (see the Ctrl-C test).
    for (const p of plan) {
      const bytes = packet(PT_DATA, p.payload);
      board.consoleInput(bytes.subarray(0, 4).toString("latin1"));
      board.consoleInput(bytes.subarray(4).toString("latin1"));
    }
    expect(out()).toBe(ACK.repeat(plan.length + 1));
    expect(Buffer.from(board.storage.read("f.js")!).equals(data)).toBe(true);
  });

  // Through the pty wire the same rule holds per byte (pty-wire.ts CTRL_C_QUEUED): without the
  // flasher's pause after each header, flash.test.ts's first test falls back to base64 (checked).
  it("a 0x03 queued with a packet's header, before the header is processed, is Ctrl-C: the packet breaks (the interpreter's behaviour)", () => {
    const data = Buffer.from([0x41, 0x03, 0x42, 0x43]);
    const sent = (split: boolean) => {
      const { board, out, clear } = makeBoard();
      board.consoleInput(fileSendPacket("f.bin", data.length, false).toString("latin1"));
      clear();
      const bytes = packet(PT_DATA, data);
      if (split) {
        board.consoleInput(bytes.subarray(0, 4).toString("latin1"));
        board.consoleInput(bytes.subarray(4).toString("latin1"));
      } else board.consoleInput(bytes.toString("latin1"));
      return { answer: out(), file: board.storage.read("f.bin") };
    };
    const together = sent(false);
    expect(together.answer).not.toContain(ACK);
    expect(together.file).toBeUndefined();
    const apart = sent(true);
    expect(apart.answer).toBe(ACK);
    expect(Buffer.from(apart.file!).equals(data)).toBe(true);
  });

  it("a length byte of 0x03 is a Ctrl-C too: no plan or FILE_SEND makes one, and a raw file of 3 × 8191 + 3 bytes lands", () => {
    // The header's own bytes are queued before it is processed: a 3-byte packet broke the board's
    // console (the base-point table, 24,576 bytes, ended in one when sent raw).
    const { board, out, clear } = makeBoard();
    board.consoleInput(fileSendPacket("x", 3, false).toString("latin1"));
    clear();
    board.consoleInput(Buffer.from([0x10, 0x01, 0x80, 0x03]).toString("latin1"));
    board.consoleInput("abc");
    expect(out()).not.toContain(ACK);
    expect(() => packet(PT_DATA, new Uint8Array(259))).toThrow(/Ctrl-C/);

    const data = randomBytes(3 * 8191 + 3);
    for (const compress of [false, true]) {
      for (const p of planDataPackets(data, 8191, compress)) expect(p.payload.length & 0xff).not.toBe(3);
    }
    const plan = planDataPackets(data, 8191, false);
    expect(plan.map((p) => p.bytes).reduce((a, b) => a + b, 0)).toBe(data.length);
    const fresh = makeBoard();
    fresh.board.consoleInput(fileSendPacket("t.bin", data.length, false).toString("latin1"));
    for (const p of plan) {
      const bytes = packet(PT_DATA, p.payload);
      fresh.board.consoleInput(bytes.subarray(0, 4).toString("latin1"));
      fresh.board.consoleInput(bytes.subarray(4).toString("latin1"));
    }
    expect(Buffer.from(fresh.board.storage.read("t.bin")!).equals(data)).toBe(true);
    // A FILE_SEND whose JSON would be 259 characters gets a space instead.
    const name = "n".repeat(259 - JSON.stringify({ fn: "", s: 1 }).length);
    expect(fileSendPacket(name, 1, false).length).toBe(4 + 260);
  });

  it("a packet cut short is NAKed after 5 s, and the REPL answers again", () => {
    const { board, out, clear } = makeBoard();
    board.consoleInput(fileSendPacket("f.js", 100, false).toString("latin1"));
    clear();
    board.consoleInput(packet(PT_DATA, Buffer.alloc(100, 0x41)).subarray(0, 50).toString("latin1"));
    board.loop.advance(4_900);
    expect(out()).toBe("");
    board.loop.advance(200);
    expect(out()).toContain(NAK);
    clear();
    board.consoleInput("1+1\n");
    expect(out()).toContain("=2");
  });

  it("a DATA packet without FILE_SEND, or a FILE_SEND without a name, is NAKed", () => {
    const { board, out, clear } = makeBoard();
    clear();
    board.consoleInput(packet(PT_DATA, Buffer.from("hello")).toString("latin1"));
    board.consoleInput(packet(0x6000, Buffer.from('{"s":5}')).toString("latin1"));
    expect(out()).toBe(NAK + NAK);
    expect(board.storage.list()).toEqual([]);
  });

  it("a console moved away (solkit's lock) never hears packets: they are the program's data", () => {
    const { board, out, clear } = makeBoard();
    board.runCode("var got='';USB.on('data',function(d){got+=d;});LoopbackA.setConsole(true);");
    clear();
    const bytes = fileSendPacket(".bootcde", 5, false).toString("latin1") + packet(PT_DATA, Buffer.from("evil!")).toString("latin1");
    board.consoleInput(bytes);
    board.loop.advance(10);
    expect(out()).toBe("");
    expect(board.storage.read(".bootcde")).toBeUndefined();
    expect(board.runCode("got.length").value).toBe(bytes.length);
  });
});
