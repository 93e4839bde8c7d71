#!/usr/bin/env node
// The `solkit` command. The sources are TypeScript; tsx compiles them on load, so a fresh
// clone runs after `npm ci` with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../host/main.ts");
process.exitCode = await main(process.argv.slice(2));
