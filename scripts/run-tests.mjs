// Runs the whole test suite: type checks (host and the portable subset), then vitest, then the
// real-interpreter tier (test/device, on the Linux builds of Espruino in ../shared/espruino or
// SOLKIT_ESPRUINO), then one plain closing line "N passed, N failed" that CI and people can
// read at a glance. `--device` runs the real-interpreter tier alone (npm run test:device).
// A machine without an interpreter says so in one line: that tier is "not run", never "passed".
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(ROOT, "node_modules", ".bin", name);
const run = (cmd, args) => spawnSync(cmd, args, { stdio: "inherit", cwd: ROOT }).status ?? 1;

/** Same lookup as simulator/real-espruino/interpreter.ts: a folder of builds, or one binary. */
function interpreterMissing() {
  const src = process.env.SOLKIT_ESPRUINO ? resolve(process.env.SOLKIT_ESPRUINO) : resolve(ROOT, "..", "shared", "espruino");
  const isFile = (p) => existsSync(p) && statSync(p).isFile();
  if (isFile(src) || isFile(join(src, "espruino-default"))) return undefined;
  return `no real Espruino interpreter at ${src}: build one from github.com/espruino/Espruino (RELEASE=1 make, VARIABLES=N) or set SOLKIT_ESPRUINO`;
}

/** Runs vitest with `config`; returns its status and counts. */
function vitest(config, extra) {
  const report = join(tmpdir(), `solkit-vitest-${process.pid}-${config}.json`);
  const status = run(bin("vitest"), ["run", "-c", config, "--reporter=default", "--reporter=json", `--outputFile=${report}`, ...extra]);
  try {
    const r = JSON.parse(readFileSync(report, "utf8"));
    rmSync(report, { force: true });
    return { status, passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
  } catch {
    return { status: status || 1, passed: 0, failed: 1, skipped: 0 };
  }
}

const deviceOnly = process.argv.includes("--device");
const extra = process.argv.slice(2).filter((a) => a !== "--device");
const totals = { passed: 0, failed: 0, skipped: 0 };
let status = 0;
const add = (r) => {
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped;
  status = status || r.status;
};

if (!deviceOnly) {
  // The four projects (host, portable shared/, portable firmware/, the Espruino target) in one
  // build-mode run: one compiler start, and .tsbuildinfo lets an unchanged project skip.
  if (run(bin("tsc"), ["-b", "tsconfig.check.json"]) !== 0) {
    console.error("typecheck failed (tsc -b tsconfig.check.json names the file and line above)");
    process.exit(1);
  }
  add(vitest("vitest.config.ts", extra));
}

const missing = interpreterMissing();
let deviceNote = "";
if (missing) {
  deviceNote = `; real-interpreter tier NOT RUN: ${missing}`;
  console.error(`\nreal-interpreter tier not run: ${missing}`);
  if (deviceOnly) status = 2;
} else if (!deviceOnly && extra.length > 0) {
  deviceNote = "; real-interpreter tier not run (a filter was given: npm run test:device)";
} else {
  add(vitest("vitest.device.config.ts", deviceOnly ? extra : []));
}

const skipped = totals.skipped ? `, ${totals.skipped} skipped` : "";
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}${deviceNote}`);
process.exit(status);
