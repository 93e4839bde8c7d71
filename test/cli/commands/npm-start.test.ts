/**
 * `npm start` as a newcomer runs it (issue 13): the dashboard's URL is the first line, within
 * 60 s; the page answers; SIGTERM to npm stops everything (the page stops answering, npm exits).
 */
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..", "..");

describe("npm start", () => {
  it("prints the dashboard URL first, serves the page, and stops on SIGTERM", async () => {
    const npm = spawn("npm", ["start", "--silent", "--", "--http-port", "0"], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    npm.stdout.on("data", (c: Buffer) => (out += c.toString()));
    npm.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => npm.on("exit", (code) => r(code)));
    try {
      const t0 = Date.now();
      while (!/dashboard: (http:\/\/\S+)/.test(out)) {
        if (Date.now() - t0 > 60_000) throw new Error(`no URL within 60 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const firstLine = out.split("\n").find((l) => l.trim() !== "" && !/building the/.test(l))!;
      expect(firstLine).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\//);
      const url = /dashboard: (http:\/\/\S+)/.exec(out)![1];
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<title>solkit/);
      const state = (await (await fetch(`${url}api/state`)).json()) as { devices: unknown[]; teller: boolean };
      expect(state).toMatchObject({ teller: true, devices: [expect.anything()] });
      npm.kill("SIGTERM");
      expect(await Promise.race([exited.then(() => "exited"), new Promise((r) => setTimeout(() => r("still running"), 15_000))])).toBe("exited");
      let answering = true;
      for (let i = 0; i < 50 && answering; i++) {
        answering = await fetch(url).then(() => true, () => false);
        if (answering) await new Promise((r) => setTimeout(r, 200));
      }
      expect(answering).toBe(false);
    } finally {
      npm.kill("SIGKILL");
    }
  }, 120_000);
});

describe("solkit demo --broker", () => {
  it("relays the story's verified readings and notices to a Mosquitto of the user's", async () => {
    const { Mosquitto, Collector } = await import("../../host/gateway/helpers");
    const { solkit } = await import("../helpers");
    const solkitAsync = (args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [join(ROOT, "bin", "solkit.mjs"), ...args], { env: { ...process.env, NO_COLOR: "1" } });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      p.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      p.on("exit", (status) => resolve({ status, stdout, stderr }));
    });
    const broker = new Mosquitto();
    await broker.start();
    const sub = await Collector.connect(broker.url, ["solkit/v1/#"]);
    try {
      const r = await solkitAsync(["demo", "--broker", broker.url, "--days", "1", "--speed", "1000000000", "--http-port", "0"]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`relayed to ${broker.url.replace(/[.]/g, "\\.")}`));
      const deadline = Date.now() + 10_000;
      while (!sub.messages.some((m) => /\/reading$/.test(m.topic)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
      expect(sub.messages.filter((m) => /^solkit\/v1\/local\/G\w{55}\/reading$/.test(m.topic)).length).toBeGreaterThan(100);
      expect(solkit(["demo", "--broker", "http://x"]).stderr).toMatch(/--broker expects mqtt:\/\/host:port/);
    } finally {
      await sub.close();
      await broker.stop();
    }
  }, 120_000);
});
