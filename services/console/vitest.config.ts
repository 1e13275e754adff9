import { defineConfig } from 'vitest/config';

// One file at a time: the integration tests share one broker and one Redis on 2 cores.
export default defineConfig({ test: { fileParallelism: false, testTimeout: 120_000, hookTimeout: 90_000 } });
