import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "shared/test/**/*.test.ts"],
    // The real-interpreter tier runs on its own (vitest.device.config.ts, npm run test:device).
    exclude: ["test/device/**", "**/node_modules/**"],
    // Two files at a time even on 2 CPUs (vitest's default there is one): most of the slow files
    // wait on real time (ptys, brokers, interpreters, lua5.3) rather than compute. Measured on a
    // 2-core machine: 1,117 s with one, 674 s with two, the same tests passing.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
