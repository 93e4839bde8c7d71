/**
 * `solkit flash --board nodemcu-esp32` (issue 14) against a simulated NodeMCU board — the real
 * lua5.3 with the NodeMCU API emulated (simulator/lua/) — on a real pseudo-terminal (socat): the
 * REPL echoes and prompts as a board's console does. The whole device program is flashed through
 * the CLI and runs after node.restart(), is provisioned, and takes a credit token that closes its
 * relay — pay to power on NodeMCU, end to end over a cable. Small programs show the failure paths: a byte changed
 * on the wire is caught by the board's hash and the old program stays, a board without the
 * crypto module checks by FNV-1a, a provisioned device refuses (its console is locked), and a
 * broken program on a provisioned device does not hand the cable a REPL.
 */
import { afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadBoard } from "../../boards/validate";
import { Registry } from "../../host/gateway/registry";
import { openStore } from "../../host/gateway/store-sqlite";
import type { Board } from "../../boards/board-type";
import { flashNodeMcu, fnv1a } from "../../flash/nodemcu-flash";
import { luaString } from "../../flash/nodemcu-repl";
import { NodeMcuBoard } from "../../simulator/lua/nodemcu-board";
import { startNodemcuPtyBoard, type PtyBoard } from "../../simulator/pty-board";
import { ensureFirmware } from "../../simulator/scenario/artifact";
import { NODEMCU_INIT_LFS, NODEMCU_INIT_LUA, NODEMCU_LFS_IMAGE_FILE, NODEMCU_PROGRAM_FILE } from "../../toolchain/nodemcu-files";
import { Rig, smallBundle, tempDir, waitFor } from "./helpers";
import { makeTlsCerts, Mosquitto } from "../host/gateway/helpers";
import mqtt from "mqtt";

const BAUD = 921_600;
const mcu = loadBoard("nodemcu-esp32");
const rig = new Rig();
const boards: PtyBoard<NodeMcuBoard>[] = [];

afterEach(async () => {
  for (const b of boards.splice(0)) {
    await b.stop();
    b.emu.dispose();
  }
  await rig.cleanup();
});

async function nodemcuBoard(board: Board = mcu, firmware?: string): Promise<PtyBoard<NodeMcuBoard>> {
  // A 1 ms tick: a line and its answer cross the simulated wire without waiting for 4 ms ticks.
  const b = await startNodemcuPtyBoard({ board, path: join(tempDir("solkit-pty-"), "ttyMCU"), seed: 5, baud: BAUD, firmware, tickMs: 1 });
  boards.push(b);
  // A failure here has been a board that stopped hearing the host mid-upload (rarely, on a
  // loaded machine): what the board, its wire and its loop were doing says where it stuck.
  let said = "";
  b.emu.onConsoleOutput((t) => (said = (said + t).slice(-1500)));
  onTestFailed(() => {
    console.error(`board on ${b.path}: resets ${JSON.stringify(b.emu.resets)}, now ${b.emu.now} ms, on ${b.emu.isOn}; ` +
      `wire ${JSON.stringify(b.wire.stats)}, ${b.wire.pendingToBoard} bytes waiting; loop ${JSON.stringify(b.loop)}; ` +
      `events ${JSON.stringify(b.events.slice(-8))}\nits console, last: ${said}`);
  });
  return b;
}

/** A small Lua program that says `tag` at boot; one backtick in it for the line-noise test (no REPL line of ours has one). */
function luaBundle(tag: string, body = `solkit = { tag = "${tag}" }\nprint("solkit test ${tag} boot")\n`): string {
  let pad = "";
  for (let i = 0; pad.length < 3000; i++) pad += `-- padding ${i} "quoted" \\ back ${"abcdefghij".repeat(4)}\n`;
  return `-- \` marker\n${pad}${body}`;
}

const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString("latin1"));

describe("the NodeMCU REPL's strings and hashes", () => {
  it("luaString gives Lua back every byte value, in real lua5.3", () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("") + "\\0\"12";
    const lua = `local s = ${luaString(all)} io.write((s:gsub(".", function(c) return ("%02x"):format(c:byte()) end)))`;
    const r = spawnSync("lua5.3", ["-e", lua], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(Buffer.from(all, "latin1").toString("hex"));
  });

  it("fnv1a is the FNV-1a the board computes without a crypto module", () => {
    expect(fnv1a("")).toBe("811c9dc5");
    expect(fnv1a("a")).toBe("e40c292c"); // the published FNV-1a 32 test vector
    expect(fnv1a("foobar")).toBe("bf9cf968");
  });
});

describe("solkit flash on a NodeMCU pty board", () => {
  beforeAll(async () => {
    await ensureFirmware(mcu.id);
  }, 300_000);

  it("flashes the device program's LFS image into an empty flash (verified, renamed into place, loaded by node.LFS.reload: its code runs from flash in NodeMCU's own Lua core); provision over the Lua REPL; credit over the cable closes the relay; a provisioned device is flashed again only through the registry's maintenance token", async () => {
    const b = await nodemcuBoard();
    const r = await rig.run(["flash", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD), "--json"]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const j = JSON.parse(r.stdout);
    await ensureFirmware(mcu.id);
    const image = readFileSync(join("dist", mcu.id, NODEMCU_LFS_IMAGE_FILE), "latin1");
    expect(j).toMatchObject({ board: mcu.id, mode: "lfs", file: NODEMCU_LFS_IMAGE_FILE, bytes: image.length, method: "nodemcu-repl", verified: true, hash: "sha256", replacedInPlace: false, boot: { ok: true, solkit: true } });
    expect(j.check).toBe(createHash("sha256").update(Buffer.from(image, "latin1")).digest("hex"));
    expect(j.boot.lines.join("\n")).toMatch(/solkit .* boot 1: UNPROVISIONED/);
    expect(text(b.emu.readFile(NODEMCU_LFS_IMAGE_FILE))).toBe(image);
    expect(text(b.emu.readFile("init.lua"))).toBe(NODEMCU_INIT_LFS);
    expect(b.emu.readFile("lfs.new")).toBeUndefined();
    expect(b.emu.readFile(NODEMCU_PROGRAM_FILE)).toBeUndefined();
    expect(b.emu.resets.map((x) => x.reason)).toEqual(["power-on", "lfs-reload"]);
    // The code is in flash: the Lua heap holds the program's data only (~410 KiB with its source loaded into RAM).
    expect(b.emu.heapKiB()).toBeLessThan(200);

    // solkit provision over the Lua REPL: the key made on the board, the host key and site set,
    // registered as a NodeMCU device (its downlink lines are solkit_rx(…)), the console locked.
    const home = tempDir("solkit-home-");
    const p = await rig.run(["provision", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD), "--site", "farm-9", "--json"], { cwd: home });
    expect(p.status, p.stderr).toBe(0);
    const id = JSON.parse(p.stdout).id as string;
    expect(id).toMatch(/^G[A-Z2-7]{55}$/);
    const db = openStore(join(home, ".solkit", "gateway.db"));
    expect(new Registry(db).get(id)).toMatchObject({ board: mcu.id, repl: "nodemcu" });
    db.close();
    const shown = b.emu.repl("solkit.status()");
    expect(shown).toContain(id);
    expect(shown).toContain("site: farm-9");
    expect(b.emu.repl("print(1)")).toMatch(/console locked/);

    // Pay to power: a credit token from the registry over the cable, as a solkit_rx(…) line the
    // locked console takes; the device confirms it and closes the relay.
    const relay = mcu.pins.relay[0].pin;
    expect(b.emu.pinLevel(relay)).toBe(0);
    const credit = await rig.run(["credit", "add", "--port", b.path, "--baud", String(BAUD), "--days", "1", "--json"], { cwd: home });
    expect(credit.status, credit.stderr).toBe(0);
    expect(JSON.parse(credit.stdout)).toMatchObject({ device: id, counter: 1, answer: expect.stringMatching(/^rx token 1: credit \+86400 s/) });
    await waitFor(() => b.emu.pinLevel(relay) === 1, "the relay closed");
    // A flash without the registry that holds the device's key is refused; the program stays.
    const stranger = await rig.run(["flash", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD)], { cwd: tempDir("solkit-elsewhere-") });
    expect(stranger.status).toBe(2);
    expect(stranger.stderr).toMatch(/no registry at .*: give the configuration of the host that provisioned G/);
    expect(text(b.emu.readFile(NODEMCU_LFS_IMAGE_FILE))).toBe(image);

    // With it, a maintenance token opens the locked console and the program is flashed again:
    // the device keeps its key and credit, and locks its console again at boot.
    const again = await rig.run(["flash", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD), "--json"], { cwd: home });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`console of ${id} opened for 15 min with maintenance token 2`));
    expect(JSON.parse(again.stdout)).toMatchObject({ verified: true, boot: { ok: true, solkit: true } });
    expect(b.emu.resets.map((x) => x.reason).filter((x) => x === "lfs-reload")).toHaveLength(2);
    await waitFor(() => b.emu.pinLevel(relay) === 1, "the relay closed again from the stored credit");
    const after = b.emu.repl("solkit.status()");
    expect(after).toContain(id);
    expect(after).toMatch(/boot 2/);
    expect(b.emu.repl("print(1)")).toMatch(/console locked/);
  }, 240_000);

  it("--no-lfs: the source goes up as solkit.lua and runs after node.restart(); the LFS image flashed over it next moves the program into flash and its source goes", async () => {
    const b = await nodemcuBoard();
    const r = await rig.run(["flash", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD), "--no-lfs", "--json"]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const code = (await ensureFirmware(mcu.id)).code;
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ mode: "source", file: NODEMCU_PROGRAM_FILE, bytes: code.length, verified: true, boot: { ok: true, solkit: true } });
    expect(j.check).toBe(createHash("sha256").update(Buffer.from(code, "latin1")).digest("hex"));
    expect(text(b.emu.readFile(NODEMCU_PROGRAM_FILE))).toBe(code);
    expect(text(b.emu.readFile("init.lua"))).toBe(NODEMCU_INIT_LUA);
    expect(b.emu.readFile("solkit.new")).toBeUndefined();
    expect(b.emu.resets.map((x) => x.reason)).toEqual(["power-on", "reboot"]);
    expect(b.emu.heapKiB()).toBeGreaterThan(350); // the source compiled into RAM

    const lfs = await rig.run(["flash", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD), "--json"]);
    expect(lfs.status, lfs.stderr + lfs.stdout).toBe(0);
    expect(JSON.parse(lfs.stdout)).toMatchObject({ mode: "lfs", boot: { ok: true, solkit: true } });
    expect(b.emu.resets.map((x) => x.reason)).toEqual(["power-on", "reboot", "lfs-reload"]);
    expect(b.emu.readFile(NODEMCU_PROGRAM_FILE)).toBeUndefined(); // init.lua removed it once the LFS program was there
    expect(b.emu.heapKiB()).toBeLessThan(200);

    // An image NodeMCU's loader would refuse: the CLI says so before the upload (exit 2); sent all
    // the same (a flash tool that does not check), the board's loader refuses it and says so.
    const bad = join(tempDir("solkit-img-"), "bad.img");
    const badBytes = Buffer.concat([Buffer.from("\x1bLuaS\x0b", "latin1"), Buffer.alloc(4000, 7)]);
    writeFileSync(bad, badBytes);
    const refused = await rig.run(["flash", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD), "--bundle", bad]);
    expect(refused.status, refused.stderr + refused.stdout).toBe(2);
    expect(refused.stderr).toMatch(/bad\.img is not an LFS image NodeMCU's loader takes \(corrupted precompiled chunk\); build one with solkit build/);
    const sent = await flashNodeMcu({ path: b.path, baud: BAUD, board: mcu, code: "", lfsImage: badBytes.toString("latin1"), settleMs: 1500 });
    expect(sent.boot.ok).toBe(false);
    expect(sent.boot.lines.join("\n")).toMatch(/LFS image load failed: .*corrupted precompiled chunk/);
  }, 240_000);

  it("monitor: a provisioned NodeMCU device's readings decoded and verified against the registry", async () => {
    const b = await nodemcuBoard(mcu, (await ensureFirmware(mcu.id)).code);
    b.emu.repl("solkit.setConfig(2, 1)"); // a reading every 2 s, each signed: a short test
    const home = tempDir("solkit-home-");
    const p = await rig.run(["provision", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD), "--site", "farm-9", "--json"], { cwd: home });
    expect(p.status, p.stderr).toBe(0);
    const id = JSON.parse(p.stdout).id as string;
    const m = await rig.run(["monitor", "--port", b.path, "--baud", String(BAUD), "--duration", "9", "--json", "--filter", "frames"], { cwd: home });
    expect(m.status, m.stderr).toBe(0);
    const frames = m.stdout.trim().split("\n").map((l) => JSON.parse(l)).filter((x) => x.type === "reading");
    expect(frames.length).toBeGreaterThanOrEqual(2);
    // Each signed by its own signature (signEvery 1), checked against the key the registry holds.
    for (const f of frames) expect(f).toMatchObject({ device: id, known: true, status: "valid", signedBy: f.reading.seq });
  }, 120_000);

  it("provision --wifi: the device's readings go over Wi-Fi to the broker, logged in as itself; the passphrase never comes up the cable", async () => {
    const broker = new Mosquitto();
    await broker.start();
    const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    try {
      const b = await nodemcuBoard(mcu, (await ensureFirmware(mcu.id)).code);
      b.emu.repl("solkit.setConfig(2, 1)"); // a reading every 2 s, each signed
      let said = "";
      b.emu.onConsoleOutput((t) => (said += t));
      const readings: { topic: string; payload: { device: string; seq: number } }[] = [];
      watcher.on("message", (topic, payload) => readings.push({ topic, payload: JSON.parse(payload.toString()) }));
      await watcher.subscribeAsync("solkit/v1/farm-9/+/reading", { qos: 1 });
      const home = tempDir("solkit-home-");
      const p = await rig.run(["provision", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD), "--site", "farm-9", "--wifi", "farm-net", "--broker", `127.0.0.1:${broker.port}`, "--json"], {
        cwd: home, env: { SOLKIT_WIFI_PASSWORD: "secret-passphrase-7" },
      });
      expect(p.status, p.stderr).toBe(0);
      const r = JSON.parse(p.stdout);
      expect(r.link).toBe(`mqtt 127.0.0.1:${broker.port} via wifi "farm-net"`);
      await waitFor(() => readings.length >= 2, "two readings on the broker", 30_000);
      expect(readings[0].topic).toBe(`solkit/v1/farm-9/${r.id}/reading`);
      expect(readings[0].payload.device).toBe(r.id);
      expect(said).not.toContain("secret-passphrase-7");
      expect(said).not.toContain("@SK1:"); // not on the serial line any more
    } finally {
      watcher.end(true);
      await broker.dispose();
    }
  }, 120_000);

  it("provision --wifi --broker-ca: MQTT over TLS to Mosquitto, the broker checked against the CA the device now keeps", async () => {
    const certDir = tempDir("solkit-certs-");
    const certs = makeTlsCerts(certDir);
    const broker = new Mosquitto({ tls: certs });
    await broker.start();
    const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    try {
      const b = await nodemcuBoard(mcu, (await ensureFirmware(mcu.id)).code);
      b.emu.repl("solkit.setConfig(2, 1)");
      let said = "";
      b.emu.onConsoleOutput((t) => (said += t));
      const readings: string[] = [];
      watcher.on("message", (_topic, payload) => readings.push(JSON.parse(payload.toString()).device));
      await watcher.subscribeAsync("solkit/v1/farm-9/+/reading", { qos: 1 });
      const home = tempDir("solkit-home-");
      const p = await rig.run(["provision", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD), "--site", "farm-9", "--wifi", "farm-net",
        "--broker", `127.0.0.1:${broker.tlsPort}`, "--broker-ca", certs.ca, "--json"], { cwd: home, env: { SOLKIT_WIFI_PASSWORD: "secret-passphrase-7" } });
      expect(p.status, p.stderr).toBe(0);
      const r = JSON.parse(p.stdout);
      expect(r.link).toBe(`mqtts 127.0.0.1:${broker.tlsPort} via wifi "farm-net"`);
      await waitFor(() => readings.length >= 2, "two readings over TLS", 30_000);
      expect(readings[0]).toBe(r.id);
      expect(said).toMatch(/logged in to 127\.0\.0\.1:\d+ \(TLS\)/);
    } finally {
      watcher.end(true);
      await broker.dispose();
    }
  }, 120_000);

  it("provision --broker-ca refuses a file that is no CA certificate, before the port is opened", async () => {
    const home = tempDir("solkit-home-");
    const certs = makeTlsCerts(tempDir("solkit-certs-"));
    const run = (ca: string, more: string[] = ["--wifi", "net", "--broker", "10.0.0.2"]) => rig.run(["provision", "--board", mcu.id, "--port", "/dev/nonexistent-port", "--site", "s", ...more, "--broker-ca", ca], { cwd: home });
    const missing = await run(join(home, "nope.pem"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--broker-ca .*nope\.pem: no such file/);
    const key = await run(certs.key);
    expect(key.status).toBe(2);
    expect(key.stderr).toMatch(/no PEM certificate in it/);
    writeFileSync(join(home, "two.pem"), readFileSync(certs.ca, "latin1") + readFileSync(certs.cert, "latin1"));
    const two = await run(join(home, "two.pem"));
    expect(two.status).toBe(2);
    expect(two.stderr).toMatch(/more than one certificate/);
    writeFileSync(join(home, "bad.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
    const bad = await run(join(home, "bad.pem"));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--broker-ca .*bad\.pem: /);
    const noWifi = await run(certs.ca, []);
    expect(noWifi.status).toBe(2);
    expect(noWifi.stderr).toMatch(/--broker, --broker-ca and --wifi-password go with --wifi/);
    for (const r of [missing, key, two, bad]) expect(r.stderr).not.toMatch(/cannot open|nonexistent-port/i);
  }, 60_000);

  it("provision --wifi refuses at once, naming the problem, where it cannot work", async () => {
    const home = tempDir("solkit-home-");
    const espruino = await rig.run(["provision", "--board", "esp32-devkitc", "--port", "/dev/nonexistent-port", "--site", "s", "--wifi", "net", "--broker", "10.0.0.2"], { cwd: home });
    expect(espruino.status).toBe(2);
    expect(espruino.stderr).toMatch(/--wifi: the esp32-devkitc program sends its readings on the serial line/);
    const noBroker = await rig.run(["provision", "--board", mcu.id, "--port", "/dev/nonexistent-port", "--site", "s", "--wifi", "net"], { cwd: home });
    expect(noBroker.status).toBe(2);
    expect(noBroker.stderr).toMatch(/--wifi needs --broker <host\[:port\]>/);
    const badBroker = await rig.run(["provision", "--board", mcu.id, "--port", "/dev/nonexistent-port", "--site", "s", "--wifi", "net", "--broker", "http://x:99999"], { cwd: home });
    expect(badBroker.status).toBe(2);
    expect(badBroker.stderr).toMatch(/--broker "http:\/\/x:99999": expected host\[:port\]/);
    // The device's own limits (shared/protocol/net-config.ts), before the port is opened.
    const longSsid = await rig.run(["provision", "--board", mcu.id, "--port", "/dev/nonexistent-port", "--site", "s", "--wifi", "n".repeat(33), "--broker", "10.0.0.2"], { cwd: home });
    expect(longSsid.status).toBe(2);
    expect(longSsid.stderr).toMatch(/wifi ssid: expected 1\.\.32 characters/);
    const badPass = await rig.run(["provision", "--board", mcu.id, "--port", "/dev/nonexistent-port", "--site", "s", "--wifi", "net", "--broker", "10.0.0.2"],
      { cwd: home, env: { SOLKIT_WIFI_PASSWORD: "pass\u00e9word" } });
    expect(badPass.status).toBe(2);
    expect(badPass.stderr).toMatch(/wifi password: character 5 is not printable ASCII/);
    expect(badPass.stderr).not.toMatch(/cannot open|no such|ENOENT/i); // refused before the port is tried
  }, 60_000);

  it("a byte changed on the wire: the line's check fails and it goes again; a line that never arrives intact stops the upload and the old program stays", async () => {
    const b = await nodemcuBoard();
    const first = await flashNodeMcu({ path: b.path, baud: BAUD, board: mcu, code: luaBundle("A"), settleMs: 300 });
    expect(first.boot).toMatchObject({ ok: true, solkit: true });
    expect(first.info).toMatchObject({ programBytes: -1, hash: "sha256" });
    expect(first.retries).toBe(0);
    let flips = 0;
    const flip = (limit: number) => (d: Uint8Array) => {
      const i = d.indexOf(0x60); // the backtick: inside the first chunk's data
      if (flips >= limit || i < 0) return d;
      flips++;
      const c = Uint8Array.from(d);
      c[i] = 0x5e;
      return c;
    };
    b.hostFilter = flip(1);
    const second = await flashNodeMcu({ path: b.path, baud: BAUD, board: mcu, code: luaBundle("B"), settleMs: 300 });
    expect(flips).toBe(1);
    expect(second.retries).toBe(1);
    expect(text(b.emu.readFile(NODEMCU_PROGRAM_FILE))).toBe(luaBundle("B"));
    flips = 0;
    b.hostFilter = flip(Infinity);
    await expect(flashNodeMcu({ path: b.path, baud: BAUD, board: mcu, code: luaBundle("C"), settleMs: 300 })).rejects.toMatchObject({
      code: "E_UPLOAD", message: expect.stringMatching(/at byte 0 failed 3 times/),
    });
    expect(text(b.emu.readFile(NODEMCU_PROGRAM_FILE))).toBe(luaBundle("B"));
    b.hostFilter = undefined;
    expect(b.emu.repl("node.restart()")).toMatch(/solkit test B boot/);
  }, 120_000);

  it("without the crypto module the board checks by FNV-1a; --erase removes the device's files", async () => {
    const b = await nodemcuBoard({ ...mcu, nativeHashes: [] });
    b.emu.putFile("sk.id", new Uint8Array(64));
    b.emu.putFile("sk.st", new Uint8Array(32));
    b.emu.repl("node.restart()"); // the board lists its files at boot
    const code = luaBundle("C");
    const r = await flashNodeMcu({ path: b.path, baud: BAUD, board: mcu, code, erase: true, settleMs: 300 });
    expect(r.info.hash).toBe("fnv1a");
    expect(r.check).toBe(fnv1a(code));
    expect(r.erased).toEqual(["sk.id", "sk.st"]);
    expect(b.emu.readFile("sk.id")).toBeUndefined();
    expect(r.boot).toMatchObject({ ok: true, solkit: true });
  }, 120_000);

  it("a program that fails on a provisioned device locks the console: the cable gets no REPL to drive the relay", async () => {
    const b = await nodemcuBoard();
    b.emu.putFile("sk.id", new Uint8Array(64)); // provisioned: the device's files are there
    const r = await flashNodeMcu({ path: b.path, baud: BAUD, board: mcu, code: luaBundle("D", `error("boom")\n`), settleMs: 300 });
    expect(r.boot.ok).toBe(false);
    expect(r.boot.lines.join("\n")).toMatch(/the device program failed to start: .*boom/);
    const relay = mcu.pins.relay[0].pin;
    const before = b.emu.pinLevel(relay);
    const answer = b.emu.repl(`gpio.mode(26, gpio.OUTPUT) gpio.write(26, ${before === 1 ? 0 : 1})`);
    expect(answer).toMatch(/console locked/);
    expect(b.emu.pinLevel(relay)).toBe(before);
  }, 120_000);

  it("NodeMCU's default 32-bit integers: flash refuses before uploading, and the program refuses to start (relay open)", async () => {
    const b = await startNodemcuPtyBoard({ board: mcu, path: join(tempDir("solkit-pty-"), "ttyMCU"), seed: 6, baud: BAUD, int32: true });
    boards.push(b);
    await expect(flashNodeMcu({ path: b.path, baud: BAUD, board: mcu, code: luaBundle("G") })).rejects.toMatchObject({
      code: "E_WRONG_FIRMWARE", message: expect.stringMatching(/has 32-bit integers .*CONFIG_LUA_NUMBER_INT64 on the ESP32/),
    });
    expect(b.emu.readFile("solkit.new")).toBeUndefined();
    // The same firmware copied on by other means: the program says why and does not run.
    const board = new NodeMcuBoard(mcu, undefined, 7, { int32: true });
    try {
      board.putFile(NODEMCU_PROGRAM_FILE, new Uint8Array(Buffer.from((await ensureFirmware(mcu.id)).code, "latin1")));
      board.putFile("init.lua", new Uint8Array(Buffer.from(NODEMCU_INIT_LUA, "latin1")));
      let said = "";
      board.onConsoleOutput((t) => (said += t));
      board.powerOn();
      board.advance(5000);
      expect(said).toMatch(/the device program failed to start: solkit needs NodeMCU built with 64-bit integers/);
      expect(board.pinLevel(mcu.pins.relay[0].pin)).toBe(0);
    } finally {
      board.dispose();
    }
  }, 120_000);

  it("a NodeMCU firmware without LFS: the image is refused before anything is written (exit 2, naming --no-lfs); --no-lfs flashes the source", async () => {
    await ensureFirmware(mcu.id);
    const b = await startNodemcuPtyBoard({ board: mcu, path: join(tempDir("solkit-pty-"), "ttyMCU"), seed: 8, baud: BAUD, noLfsPartition: true });
    boards.push(b);
    const r = await rig.run(["flash", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD)]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/has no Lua Flash Store \(node\.LFS\): flash the source with --no-lfs/);
    expect(b.emu.readFile("lfs.new")).toBeUndefined();
    expect(b.emu.readFile("init.lua")).toBeUndefined();
    const src = await rig.run(["flash", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD), "--no-lfs", "--json"]);
    expect(src.status, src.stderr).toBe(0);
    expect(JSON.parse(src.stdout)).toMatchObject({ mode: "source", boot: { ok: true, solkit: true } });
  }, 180_000);

  it("an LFS partition too small for the image: solkit flash says so before writing (exit 2); an image that reaches the reload anyway is refused by the loader: nothing runs from LFS", async () => {
    await ensureFirmware(mcu.id);
    const image = readFileSync(join("dist", mcu.id, NODEMCU_LFS_IMAGE_FILE), "latin1");
    const b = await startNodemcuPtyBoard({ board: mcu, path: join(tempDir("solkit-pty-"), "ttyMCU"), seed: 9, baud: BAUD, lfsPartitionBytes: 128 * 1024 });
    boards.push(b);
    const r = await rig.run(["flash", "--board", mcu.id, "--port", b.path, "--baud", String(BAUD)]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/the program needs \d+ bytes of LFS once loaded and the firmware on .* has an LFS partition of 131072: give it one of at least \d+ bytes/);
    expect(b.emu.readFile("lfs.new")).toBeUndefined();
    // Without the check (a flash tool that does not know the image's size): the loader refuses it.
    const res = await flashNodeMcu({ path: b.path, baud: BAUD, board: mcu, code: "", lfsImage: image, settleMs: 1500 });
    expect(res.boot.ok).toBe(false);
    expect(res.boot.lines.join("\n")).toMatch(/LFS image load failed: the image needs \d+ bytes, the LFS partition has 131072/);
    expect(b.emu.repl("print(node.LFS.get(\"solkit\"))")).toMatch(/^nil$/m); // nothing runs from LFS
  }, 180_000);

  it("--dry-run plans the LFS image (its partition size named) by default and the source with --no-lfs; nothing is opened", async () => {
    await ensureFirmware(mcu.id);
    const image = readFileSync(join("dist", mcu.id, NODEMCU_LFS_IMAGE_FILE));
    const lfs = await rig.run(["flash", "--board", mcu.id, "--dry-run", "--json"]);
    expect(lfs.status, lfs.stderr).toBe(0);
    const plan = JSON.parse(lfs.stdout);
    expect(plan).toMatchObject({ dryRun: true, mode: "lfs", bytes: image.length, sha256: createHash("sha256").update(image).digest("hex") });
    expect(plan.steps.join("\n")).toMatch(/a partition of at least \d{6} bytes \(node\.LFS\.config\.lfs_size\)[\s\S]*node\.LFS\.reload\("lfs\.img"\)/);
    const src = await rig.run(["flash", "--board", mcu.id, "--dry-run", "--no-lfs", "--json"]);
    expect(src.status, src.stderr).toBe(0);
    expect(JSON.parse(src.stdout)).toMatchObject({ mode: "source", bytes: (await ensureFirmware(mcu.id)).code.length });
  }, 120_000);

  it("an Espruino board on the port, a bundle too big, no port: one-line errors, exit 2", async () => {
    const esp = await rig.board({ firmware: smallBundle("E", 2000) });
    const wrong = await rig.run(["flash", "--board", mcu.id, "--port", esp.path, "--baud", String(BAUD), "--bundle", writeTemp("x.lua", luaBundle("E"))]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/not as NodeMCU's Lua REPL .*check --board/);
    const big = await rig.run(["flash", "--board", mcu.id, "--port", "/dev/null", "--bundle", writeTemp("big.lua", "-- x\n".repeat(100_000))]);
    expect(big.status).toBe(2);
    expect(big.stderr).toMatch(/bigger than nodemcu-esp32's flash file system/);
    const noPort = await rig.run(["flash", "--board", mcu.id, "--bundle", writeTemp("y.lua", luaBundle("F"))]);
    expect(noPort.status).toBe(2);
    expect(noPort.stderr).toMatch(/give the port with --port/);
  }, 120_000);
});

function writeTemp(name: string, body: string): string {
  const f = join(tempDir(), name);
  writeFileSync(f, body, "latin1");
  return f;
}
