// Runs the whole test suite: type checks (host and the portable subset), then vitest, then one
// plain closing line "N passed, N failed" that CI and people can read at a glance.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const bin = (name) => join("node_modules", ".bin", name);
const run = (cmd, args) => spawnSync(cmd, args, { stdio: "inherit" }).status ?? 1;

for (const project of ["tsconfig.json", "shared/tsconfig.json", "firmware/tsconfig.json", "firmware/targets/espruino/tsconfig.json"]) {
  if (run(bin("tsc"), ["--noEmit", "-p", project]) !== 0) {
    console.error(`typecheck failed: ${project}`);
    process.exit(1);
  }
}

const report = join(tmpdir(), `solkit-vitest-${process.pid}.json`);
const status = run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile=${report}`, ...process.argv.slice(2)]);
try {
  const r = JSON.parse(readFileSync(report, "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`);
  rmSync(report, { force: true });
} catch {
  console.log("\n0 passed, 1 failed");
}
process.exit(status);
