/**
 * A gateway on a Pi installs with `npm ci --omit=dev` and runs `solkit host` (issue 10). The
 * real install takes minutes (better-sqlite3 builds from source here), so this builds the
 * same tree from what is installed: the project's files copied, and a node_modules holding
 * only the packages `npm ls --omit=dev` names. A product import of a devDependency (tsx,
 * vitest, espruino, …) then fails to resolve, as it would on the Pi. The tree is what git tracks
 * (staged included): a new source file not yet added fails here, as it would in a clean clone.
 */
import { describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** The top-level folders of node_modules that a production install has (scoped ones as @scope/name). */
function productionPackages(): string[] {
  const out = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: ROOT, encoding: "utf8", maxBuffer: 16 << 20 });
  const top = new Set<string>();
  for (const line of out.split("\n")) {
    const rel = relative(join(ROOT, "node_modules"), line.trim());
    if (line.trim() === "" || rel.startsWith("..") || rel === "") continue;
    const parts = rel.split(sep);
    top.add(parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  return [...top];
}

describe("npm ci --omit=dev", () => {
  it("the gateway starts with production packages only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "solkit-omit-dev-"));
    try {
      const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter((f) => f !== "" && !f.startsWith("test/") && !f.startsWith("bench/"));
      for (const f of tracked) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dir, f));
      }
      const packages = productionPackages();
      expect(packages).not.toContain("tsx");
      expect(packages).not.toContain("espruino");
      for (const p of packages) {
        mkdirSync(dirname(join(dir, "node_modules", p)), { recursive: true });
        symlinkSync(join(ROOT, "node_modules", p), join(dir, "node_modules", p));
      }
      const config = join(dir, "gw.json");
      writeFileSync(config, JSON.stringify({ database: join(dir, "gw.db"), devices: { embedded: { host: "127.0.0.1", port: 0 } }, serial: { discover: false, ports: [] }, health: { port: 0 } }));
      const child = spawn(process.execPath, [join(dir, "bin", "solkit.mjs"), "host", "--config", config], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      const started = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 30_000);
        const check = () => {
          if (out.includes("Ctrl-C to stop")) {
            clearTimeout(timer);
            resolve(true);
          }
        };
        child.stdout.on("data", check);
        child.stderr.on("data", check);
        child.on("exit", () => resolve(false));
      });
      // (A child that died early has exited already: report how, never wait for it.)
      const code = await new Promise<string>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(`${child.exitCode ?? child.signalCode}`);
        child.on("exit", (c, signal) => resolve(`${c ?? signal}`));
        child.kill("SIGINT");
      });
      expect(out).toContain("Ctrl-C to stop");
      expect(started, out).toBe(true);
      expect(code, out).toBe("0");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
