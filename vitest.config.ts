import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "shared/test/**/*.test.ts"],
    // The real-interpreter tier runs on its own (vitest.device.config.ts, npm run test:device).
    exclude: ["test/device/**", "**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
