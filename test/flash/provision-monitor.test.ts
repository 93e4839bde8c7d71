/**
 * Provisioning and the monitor against the built firmware on a pty board: the device makes
 * its key, the registry gets it (HMAC key never printed), a second provision is refused; the
 * monitor verifies the readings the device prints, survives the pty vanishing and coming
 * back, and `solkit monitor --json --duration` is a CI-friendly run that ends by itself.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Registry } from "../../host/gateway/registry";
import { openStore } from "../../host/gateway/store-sqlite";
import { Monitor, type MonitorEvent } from "../../flash/monitor";
import { provisionDevice } from "../../flash/provision";
import type { PtyBoard } from "../../simulator/pty-board";
import { Rig, buildEsp32, esp32, tempDir, waitFor } from "./helpers";

const BAUD = 921_600;
let firmware = "";
const rig = new Rig();

beforeAll(async () => {
  firmware = await buildEsp32();
}, 120_000);
afterEach(() => rig.cleanup());

/** A gateway config file whose database is in a fresh folder. */
function gatewayConfig(): { config: string; database: string } {
  const dir = tempDir("solkit-gw-");
  const database = join(dir, "gateway.db");
  const config = join(dir, "gateway.json");
  writeFileSync(config, JSON.stringify({ database }));
  return { config, database };
}

/** Readings every 2 s, signed each time, with meter pulses flowing. */
function makeItMeter(b: PtyBoard): void {
  b.emu.runCode("solkit.setConfig(2, 1)");
  b.emu.pulse("D25", 2000, 400_000, { at: b.emu.now + 10, activeLow: true, widthMs: 20 });
}

describe("solkit provision", () => {
  it("the device makes its key; the registry gets it with an HMAC key that is never printed; a second run refuses", async () => {
    const b = await rig.board({ firmware });
    const { config, database } = gatewayConfig();
    const args = ["provision", "--board", "esp32-devkitc", "--port", b.path, "--site", "farm-7", "--baud", String(BAUD), "-c", config, "--json"];
    const r = await rig.run(args);
    expect(r.status).toBe(0);
    // The host's configuration says site "local" (the default): the device's other site is said (issue 11).
    expect(r.stderr).toMatch(/warning: the host's site is "local" \(.*gateway\.json\); this device will publish under "farm-7", topics that host does not read/);
    const out = JSON.parse(r.stdout);
    expect(out.id).toMatch(/^G[A-Z2-7]{55}$/);
    const status = b.emu.runCode("solkit.cmd('status')").value as string;
    expect(status).toContain(`id: ${out.id}`);
    expect(status).toContain("site: farm-7");
    expect(status).not.toMatch(/no host key/);
    const db = openStore(database);
    const dev = new Registry(db).get(out.id)!;
    db.close();
    expect(dev.board).toBe("esp32-devkitc");
    const key = Buffer.from(dev.hmacKey).toString("hex");
    expect(r.stdout + r.stderr).not.toContain(key);
    expect(b.emu.console.printed.join("\n")).not.toContain(key); // not echoed by the REPL either
    const again = await rig.run(args);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already provisioned as G[A-Z2-7]{55}; pass --force/);
    // One rule for site names everywhere: the topics' 1 to 64 characters.
    const long = await rig.run(["provision", "--board", "esp32-devkitc", "--port", b.path, "--site", "s".repeat(65), "--baud", String(BAUD), "-c", config]);
    expect({ status: long.status, stderr: long.stderr.split("\n").filter((l) => l.startsWith("solkit:")) }).toEqual({ status: 2, stderr: [`solkit: --site "${"s".repeat(40)}": use 1 to 64 of A-Z a-z 0-9 - _ .`] });
    const forced = await rig.run([...args, "--force"]);
    expect(forced.status).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ previousId: out.id });
  });
});

describe("solkit console (issue 11)", () => {
  it("provisioning locks the console; open needs the registry, runs the REPL for a while; lock closes it", async () => {
    const b = await rig.board({ firmware });
    const { config } = gatewayConfig();
    const port = ["--port", b.path, "--baud", String(BAUD)];
    expect((await rig.run(["provision", "--board", "esp32-devkitc", ...port, "--site", "farm-8", "-c", config])).status).toBe(0);
    const typed = (line: string) => {
      const before = b.emu.console.printed.length;
      b.emu.consoleInput(line + "\n");
      return b.emu.console.printed.slice(before).join("\n");
    };
    const st = await rig.run(["console", "status", ...port, "--json"]);
    expect(st.status).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({ locked: true });
    expect(typed("digitalWrite(D26,1)")).toBe(""); // answered on the next loop turn, and only that
    await waitFor(() => b.emu.console.printed.some((l) => l.startsWith("console locked:")), "the lock's answer");
    const stranger = gatewayConfig();
    const refused = await rig.run(["console", "open", ...port, "-c", stranger.config]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^solkit: no registry at .*gateway\.db: give the configuration of the host that provisioned G[A-Z2-7]{55} \(--config\)\n$/);
    const opened = await rig.run(["console", "open", ...port, "--minutes", "2", "-c", config, "--json"]);
    expect(opened.status).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({ open: true, seconds: 120, counter: 1 });
    expect(b.emu.console.device).toBe("USB");
    const locked = await rig.run(["console", "lock", ...port]);
    expect(locked.status).toBe(0);
    expect(locked.stdout).toMatch(/console locked/);
    expect(b.emu.console.device).toBe("LoopbackA");
    const bad = await rig.run(["console", "open", ...port, "--minutes", "61", "-c", config]);
    expect({ status: bad.status, stderr: bad.stderr }).toEqual({ status: 2, stderr: 'solkit: --minutes expects 1 to 60, got "61"\n' });
  });
});

describe("solkit credit add (issue 12)", () => {
  it("sends a credit token over the port and the relay closes; a printed line works once; disconnect opens it", async () => {
    const b = await rig.board({ firmware });
    const { config } = gatewayConfig();
    const port = ["--port", b.path, "--baud", String(BAUD)];
    const prov = await rig.run(["provision", "--board", "esp32-devkitc", ...port, "--site", "farm-9", "-c", config, "--json"]);
    const id = JSON.parse(prov.stdout).id as string;
    expect(b.emu.pinLevel("D26")).toBe(0);
    const sent = await rig.run(["credit", "add", ...port, "--days", "1", "-c", config, "--json"]);
    expect(sent.status).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ device: id, counter: 1, answer: expect.stringMatching(/^rx token 1: credit \+86400 s; credit 86400 s$/) });
    await waitFor(() => b.emu.pinLevel("D26") === 1, "the relay closed");
    // Printed for pasting: the locked console runs the line once; a second paste is a replay.
    const printed = await rig.run(["credit", "add", "--device", id, "--hours", "2", "-c", config, "--json"]);
    const line = JSON.parse(printed.stdout).line as string;
    expect(line).toMatch(/^solkit\.rx\("[A-Za-z0-9+/=]+\*[0-9a-f]{4}"\)$/);
    b.emu.consoleInput(line + "\n");
    await waitFor(() => b.emu.console.printed.some((l) => /rx token 2: credit \+7200 s/.test(l)), "the pasted token taken");
    b.emu.consoleInput(line + "\n");
    await waitFor(() => b.emu.console.printed.some((l) => /rx token rejected: E_REPLAY/.test(l)), "the second paste refused");
    const cut = await rig.run(["credit", "add", ...port, "--device", id, "--disconnect", "-c", config]);
    expect(cut.status).toBe(0);
    expect(cut.stdout).toMatch(/took token 3 \(disconnect now\)/);
    await waitFor(() => b.emu.pinLevel("D26") === 0, "the relay opened");
    const none = await rig.run(["credit", "add", "--device", id, "-c", config]);
    expect({ status: none.status, stderr: none.stderr }).toEqual({ status: 2, stderr: "solkit: give one of --days N / --hours N, --unlock, --disconnect\n" });
    const stranger = gatewayConfig();
    const unknown = await rig.run(["credit", "add", "--device", id, "--days", "1", "-c", stranger.config]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no registry at /);
  });
});

describe("solkit monitor", () => {
  it("verifies the provisioned device's readings against the registry, and survives the pty going away", async () => {
    const b = await rig.board({ firmware, seed: 21 });
    const { database } = gatewayConfig();
    const p = await provisionDevice({ path: b.path, baud: BAUD, board: esp32, site: "farm-7", database, name: "pump house" });
    makeItMeter(b);
    const events: MonitorEvent[] = [];
    const m = new Monitor({ path: b.path, baud: BAUD, database, retryMs: 50, onEvent: (e) => events.push(e) });
    await m.start();
    const readings = () => events.filter((e) => e.type === "frame" && e.verdict.status === "valid");
    await waitFor(() => readings().length >= 2, "two verified readings");
    const first = readings()[0];
    expect(first.type === "frame" && first.known && first.name === "pump house" && first.verdict.device === p.id).toBe(true);

    await b.unplug();
    await waitFor(() => events.some((e) => e.type === "port" && e.event === "lost"), "the monitor to see the port go");
    await new Promise((r) => setTimeout(r, 2500)); // readings made meanwhile are lost with the cable
    await b.replug();
    await waitFor(() => events.some((e) => e.type === "port" && e.event === "back"), "the monitor to reopen");
    const before = readings().length;
    await waitFor(() => readings().length >= before + 2, "verified readings after the replug");
    await m.stop();
    expect(m.counts.invalid).toBe(0);
    expect(m.counts.reconnects).toBe(1);
  });

  it("passes typed lines to the REPL", async () => {
    const b = await rig.board();
    const events: MonitorEvent[] = [];
    const m = new Monitor({ path: b.path, baud: BAUD, onEvent: (e) => events.push(e) });
    await m.start();
    expect(m.send("print('typed '+(20+22))\n")).toBe(true);
    await waitFor(() => events.some((e) => e.type === "log" && e.text === "typed 42"), "the board's answer");
    await m.stop();
  });

  it("--json with --duration: one object per line, ends by itself, exit 0", async () => {
    const b = await rig.board({ firmware, seed: 22 });
    const { config, database } = gatewayConfig();
    await provisionDevice({ path: b.path, baud: BAUD, board: esp32, site: "ci", database });
    makeItMeter(b);
    const log = join(tempDir(), "site.log");
    const r = await rig.run(["monitor", "--port", b.path, "--baud", String(BAUD), "--json", "--duration", "7", "-c", config, "--log", log]);
    expect(r.status).toBe(0);
    // The log keeps the frames themselves: verify checks them again later (issue 11).
    const again = await rig.run(["verify", log]);
    expect(again.stdout).toMatch(/^✓ /m);
    expect(again.stdout).not.toMatch(/^✗ /m);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: "port", event: "open" });
    const valid = lines.filter((l) => l.type === "reading" && l.status === "valid");
    expect(valid.length).toBeGreaterThanOrEqual(1);
    expect(valid[0]).toMatchObject({ known: true, reading: { seq: expect.any(Number), energyIn: expect.any(Number) } });
    expect(lines.some((l) => l.type === "log")).toBe(true);
    // The status on connect (issue 11), one object instead of its dozen lines, none of them a log line.
    expect(lines.find((l) => l.type === "status")).toMatchObject({ provisioned: true, consoleLocked: true, relayClosed: false, creditS: 0, nextSeq: expect.any(Number) });
    expect(lines.filter((l) => l.type === "log" && /^(credit|relay|outbox|console): /.test(l.text))).toEqual([]);
    expect(lines[lines.length - 1]).toMatchObject({ type: "summary", invalid: 0 });
    // --filter frames: readings and port events only; a bad filter is a usage error.
    const frames = await rig.run(["monitor", "--port", b.path, "--baud", String(BAUD), "--json", "--duration", "5", "--filter", "frames", "-c", config]);
    const kinds = new Set(frames.stdout.trim().split("\n").map((l) => JSON.parse(l).type));
    expect([...kinds].filter((k) => !["port", "reading", "summary", "ack", "token"].includes(k))).toEqual([]);
    const bad = await rig.run(["monitor", "--port", b.path, "--filter", "everything"]);
    expect({ status: bad.status, stderr: bad.stderr }).toEqual({ status: 2, stderr: 'solkit: --filter expects frames, logs or a device id G…, got "everything"\n' });
  });

  it("the status line: asked on connect and every --status seconds, not while someone types", async () => {
    const b = await rig.board({ firmware, seed: 23 });
    const events: MonitorEvent[] = [];
    const m = new Monitor({ path: b.path, baud: BAUD, statusEveryMs: 1500, onEvent: (e) => events.push(e) });
    await m.start();
    const statuses = () => events.filter((e) => e.type === "status");
    await waitFor(() => statuses().length >= 2, "two status lines");
    const s = statuses()[0];
    expect(s.type === "status" && s.summary).toMatch(/^UNPROVISIONED · seq 0 · credit 0 s · relay open · outbox 0 · console open$/);
    m.send("1+"); // a half-typed line: no status is injected into it
    const n = statuses().length;
    await new Promise((r) => setTimeout(r, 4000));
    expect(statuses().length).toBe(n);
    await m.stop();
  });
});
