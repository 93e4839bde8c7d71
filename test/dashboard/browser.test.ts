/**
 * The dashboard in a real browser (issue 13): Debian's chromium driven by playwright-core
 * (never a downloaded browser) against the host's page on a simulated site. The page loads
 * with no console errors, numbers change live as readings arrive, the relay shows open after
 * the lapse and closed after the top-up, notices and bills appear, and the admin buttons exist
 * and work only with the admin token. A screenshot is kept in test-results/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ensureFirmware } from "../../simulator/scenario/artifact";
import { loadBoard } from "../../boards/validate";
import { TellerSite } from "../../simulator/teller/site";
import { STORY_START, STORY_TELLER } from "../../simulator/teller/story";

/** The page's document, as the functions run inside the browser see it (the suite's types have no DOM). */
declare const document: { querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null } | null };

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const HOUR = 3_600_000;
const ADMIN = "test-admin-token-1234";
const RESULTS = join(__dirname, "..", "..", "test-results");

let browser: Browser;
beforeAll(async () => {
  if (!CHROMIUM) throw new Error("chromium is not installed: apt-get install chromium (.ci/run does)");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});
afterAll(async () => {
  await browser?.close();
});

async function site(adminToken?: string): Promise<TellerSite> {
  const fw = await ensureFirmware("esp32-devkitc");
  return TellerSite.start({
    board: loadBoard("esp32-devkitc"), firmware: fw.code, seed: 3, startUnixS: STORY_START, customerXlm: "1.2", autopay: true, teller: STORY_TELLER,
    loads: [{ watts: 60, from: "00:00", to: "23:59" }], device: { intervalS: 600, signEvery: 6 }, stepMs: 5 * 60_000, pollMs: 10 * 60_000, httpPort: 0, adminToken,
  });
}

async function open(s: TellerSite): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${s.host.gateway.healthUrl}/`);
  await page.waitForSelector("#conn.live");
  return { page, errors };
}

describe("the dashboard in chromium", () => {
  it("live numbers; the relay open after the lapse and closed after the top-up; notices and bills; no console errors", async () => {
    const s = await site();
    try {
      const { page, errors } = await open(s);
      await s.run(3 * HOUR);
      await page.waitForFunction(() => document.querySelector("#relay")?.getAttribute("data-state") === "closed");
      const energy1 = await page.textContent("#energy");
      await s.run(2 * HOUR);
      await page.waitForFunction((e) => document.querySelector("#energy")?.textContent !== e, energy1); // changed live, no reload
      expect(await page.locator("#readings tbody tr").count()).toBeGreaterThan(5);
      expect(await page.textContent("#readings tbody tr:first-child td:last-child")).toMatch(/✓ by #\d+/);
      expect(await page.locator("canvas").count()).toBeGreaterThanOrEqual(2); // uPlot drew both charts
      expect(await page.isHidden("#admin")).toBe(true); // read-only without an admin token
      // The first bill cannot be paid (the wallet holds too little): notice, grace, the relay opens.
      await s.run(2 * 24 * HOUR);
      await page.waitForFunction(() => document.querySelector("#relay")?.getAttribute("data-state") === "open");
      await page.waitForSelector('#notices li[data-code="payment-failed"]');
      await page.waitForSelector('#notices li[data-code="lapsed"]');
      expect(await page.locator("#bills tbody tr").count()).toBeGreaterThanOrEqual(1);
      await s.fundCustomer("5");
      await s.run(HOUR);
      await page.waitForFunction(() => document.querySelector("#relay")?.getAttribute("data-state") === "closed");
      await page.waitForFunction(() => (document.querySelector("#payments tbody")?.textContent ?? "").includes("0.4"));
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, "dashboard.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await s.close();
    }
  }, 180_000);

  it("with an admin token: the buttons exist, a wrong token is refused, the right one tops the device up", async () => {
    const s = await site(ADMIN);
    try {
      await s.run(2 * HOUR);
      const url = s.host.gateway.healthUrl!;
      const wrong = await fetch(`${url}/api/devices/${s.rig.id}/topup`, { method: "POST", headers: { authorization: "Bearer nope" }, body: '{"days":1}' });
      expect(wrong.status).toBe(401);
      const { page, errors } = await open(s);
      await page.waitForSelector("#admin:not([hidden])");
      await page.fill("#token", ADMIN);
      await page.click("#topup");
      await page.waitForFunction(() => /token \d+ sent/.test(document.querySelector("#adminMsg")?.textContent ?? ""));
      const creditOf = async () => ((await (await fetch(`${url}/api/state`)).json()) as { devices: { credit: number }[] }).devices[0].credit;
      const before = await creditOf();
      await s.run(HOUR);
      await page.waitForSelector('#notices li[data-code="top-up"]');
      expect(await creditOf()).toBeGreaterThan(before + 86_400 - 2 * 3600); // a day more, less the hour that ran
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await s.close();
    }
  }, 120_000);

  it("without an admin token the admin routes do not exist", async () => {
    const s = await site();
    try {
      const r = await fetch(`${s.host.gateway.healthUrl}/api/devices/${s.rig.id}/topup`, { method: "POST", headers: { authorization: `Bearer ${ADMIN}` }, body: '{"days":1}' });
      expect(r.status).toBe(404);
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe("the dashboard across a host restart", () => {
  it("says it is reconnecting while the host is down and is live again when it is back", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { createServer } = await import("node:net");
    const { defaultConfig } = await import("../../host/gateway/config");
    const { startGateway } = await import("../../host/gateway/gateway");
    const { MemoryLogger } = await import("../../host/gateway/log");
    const dir = mkdtempSync(join(tmpdir(), "solkit-dash-"));
    const port = await new Promise<number>((r) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => r(p));
      });
    });
    const cfg = { ...defaultConfig(dir), database: join(dir, "gw.db"), site: "restart", serial: { discover: false, ports: [], retryMs: 1000 }, health: { enabled: true, host: "127.0.0.1", port } };
    let gw = await startGateway(cfg, { logger: new MemoryLogger() });
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForSelector("#conn.live");
      expect(await page.textContent("#site")).toBe("site restart");
      await gw.stop();
      await page.waitForSelector("#conn.down");
      gw = await startGateway(cfg, { logger: new MemoryLogger() });
      await page.waitForSelector("#conn.live", { timeout: 15_000 });
    } finally {
      await page.close();
      await gw.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
