#!/usr/bin/env node
// The `solkit` command. The sources are TypeScript; bin/ts-hooks.mjs compiles them on load
// (cached), so a fresh clone runs after `npm ci` with no build step.
import { register } from "node:module";

register("./ts-hooks.mjs", import.meta.url);
// `solkit boards --json | head`: the reader closing the pipe ends us quietly, as with any Unix tool.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
