import { defineConfig } from 'vitest/config';

// The harness's own tests talk to the one shared broker: files run one after another.
export default defineConfig({
  test: { include: ['e2e/**/*.test.ts', 'contract/**/*.test.ts', 'security/**/*.test.ts', 'chaos/test/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000, hookTimeout: 60_000 },
});
