/**
 * The NodeMCU target's HAL (firmware/targets/nodemcu/: time, store, io — the modules main.ts
 * uses) against the HAL contract under the NodeMCU emulation (simulator/lua), twice: in Debian's
 * real lua5.3, and from an LFS image in NodeMCU's own Lua core (luac.cross, the VM a chip runs):
 * contract-probe.ts builds the pieces in Lua; this subject reaches them through the REPL, one
 * Lua line per call, and turns the Lua side's callbacks (timers, the link's handler) back into
 * the suite's JavaScript functions as their lines come out.
 */
import { afterAll, beforeAll } from "vitest";
import { loadBoard } from "../../boards/validate";
import { nodemcuProgram } from "../../toolchain/nodemcu-target";
import { NodeMcuBoard } from "../../simulator/lua/nodemcu-board";
import type { Clock, Link, PulseMeter, Relay, Store, Timers } from "../../firmware/hal";
import { halContract, type HalSubject } from "./contract";

let probe = "";
const boards: NodeMcuBoard[] = [];
beforeAll(async () => {
  probe = await nodemcuProgram("contract-probe.ts");
}, 120_000);
afterAll(() => {
  for (const b of boards) b.dispose();
});

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const luaBytes = (b: Uint8Array) => `solkit_string_to_bytes((${JSON.stringify(hex(b))}):gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))`;

function subject(board: NodeMcuBoard): HalSubject {
  const callbacks = new Map<number, () => void>();
  const sent: string[] = [];
  let rx: (body: string) => void = () => {};
  let nextCb = 1;
  // Everything the board prints: callback marks run their functions, the rest is what the link sent.
  board.onConsoleOutput((text) => {
    for (const line of text.split("\r\n")) {
      if (line === "") continue;
      const cb = /^CB (\d+)$/.exec(line);
      const body = /^RX (.*)$/.exec(line);
      if (cb) callbacks.get(Number(cb[1]))?.();
      else if (body) rx(body[1]);
      else sent.push(line);
    }
  });
  /** One Lua expression's value, printed on its own line. */
  const value = (expr: string): string => {
    let out = "";
    const off = board.onConsoleOutput((t) => (out += t));
    board.consoleInput(`print("=" .. tostring(${expr}))\n`);
    off();
    const m = /=(.*)\r\n/.exec(out);
    if (m === null) throw new Error(`no value for ${expr}: ${out}`);
    return m[1];
  };
  const run = (stmt: string) => board.consoleInput(`${stmt}\n`);
  const fromHex = (h: string) => (h === "nil" ? undefined : Uint8Array.from(Buffer.from(h, "hex")));
  const register = (fn: () => void) => {
    const id = nextCb++;
    callbacks.set(id, fn);
    return `function() print("CB ${id}") end`;
  };
  const store: Store = {
    read: (name) => fromHex(value(`(function() local b = halProbe.store:read(${JSON.stringify(name)}); if b == nil then return nil end; return (solkit_bytes_to_string(b):gsub(".", function(c) return string.format("%02x", c:byte()) end)) end)()`)),
    write: (name, data) => value(`halProbe.store:write(${JSON.stringify(name)}, ${luaBytes(data)})`) === "true",
    create: (name, size) => value(`halProbe.store:create(${JSON.stringify(name)}, ${size})`) === "true",
    writeAt: (name, offset, data) => {
      let out = "";
      const off = board.onConsoleOutput((t) => (out += t));
      board.consoleInput(`print("=" .. tostring(halProbe.store:writeAt(${JSON.stringify(name)}, ${offset}, ${luaBytes(data)})))\n`);
      off();
      if (!board.isOn) throw new Error("power cut"); // the Lua process ended inside the write
      return /=true/.test(out);
    },
    erase: (name) => run(`halProbe.store:erase(${JSON.stringify(name)})`),
    free: () => Number(value("halProbe.store:free()")),
  };
  const clock: Clock = {
    uptimeMs: () => Number(value("halProbe.clock:uptimeMs()")),
    wallTimeS: () => Number(value("halProbe.clock:wallTimeS()")),
    setWallTimeS: (s) => run(`halProbe.clock:setWallTimeS(${s})`),
  };
  const timers: Timers = {
    every: (ms, fn) => Number(value(`halProbe.timers:every(${ms}, ${register(fn)})`)),
    after: (ms, fn) => Number(value(`halProbe.timers:after(${ms}, ${register(fn)})`)),
    cancel: (h) => run(`halProbe.timers:cancel(${h})`),
  };
  const relay: Relay = {
    set: (c) => run(`halProbe.relay:set(${c})`),
    isClosed: () => value("halProbe.relay:isClosed()") === "true",
  };
  const meter: PulseMeter = { pulses: () => Number(value("halProbe.meter:pulses()")) };
  const link: Link = {
    send: (line) => run(`halProbe.link:send(${JSON.stringify(line)})`),
    onReceive: (h) => {
      rx = h;
      run(`halProbe.link:onReceive(function(b) print("RX " .. b) end)`);
    },
    isUp: () => value("halProbe.link:isUp()") === "true",
  };
  return {
    clock, timers, relay, meter, store, link,
    advance: (ms) => board.advance(ms),
    pulse: (n) => {
      board.pulse("GPIO25", n, n * 50, { at: board.now });
      board.advance(n * 50 + 50);
    },
    loadPowered: () => board.pinLevel("GPIO26") === 1,
    deliver: (body) => run(`halProbe.deliver(${JSON.stringify(body)})`),
    sent: () => sent,
    stepRtc: () => {}, // nothing the console sets moves tmr.now(); the clock counts its own periods
    bytes: (v) => Uint8Array.from(v),
    cutAfter: (n) => board.cutAfterBytes(n),
    reboot: async () => {
      board.powerOn();
      return subject(board);
    },
  };
}

for (const lfs of [false, true]) {
  halContract(`NodeMCU target ${lfs ? "from LFS in NodeMCU's Lua core" : "in real lua5.3"} (NodeMCU API emulated)`, async () => {
    const board = new NodeMcuBoard({ ...loadBoard("nodemcu-esp32"), nativeHashes: [] }, probe, 1, { capacity: 256 * 1024, lfs });
    boards.push(board);
    board.powerOn();
    return subject(board);
  });
}
